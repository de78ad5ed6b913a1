"""A deliberation filled with planted opinion groups, for the map page's and the exports' tests and
screenshots: statements and votes written as bulk rows (the services' checks are tested elsewhere)."""

from django.utils import timezone

from veche.accounts.models import User
from veche.deliberation.engine import Votes, synthetic
from veche.deliberation.models import Deliberation, Participant, Statement, Vote

TEXTS = (
    "В парке нужно больше скамеек",
    "Дорожки нужно осветить",
    "Парк должен закрываться на ночь",
    "Нужна площадка для собак",
    "Велосипедам нужна отдельная дорожка",
    "Нужно больше урн",
    "В парке нужен туалет",
    "Летом нужны концерты",
    "Машинам нельзя заезжать в парк",
    "Нужно сохранить старые деревья",
    "Нужна детская площадка у пруда",
    "Кафе в парке не нужно",
    "Нужна площадка для воркаута",
    "Газоны должны быть открыты",
    "Нужны камеры наблюдения",
)


def planted(
    deliberation: Deliberation,
    *,
    participants: int = 90,
    statements: int = 15,
    groups: int = 3,
    seed: int = 1,
    users: tuple[User, ...] = (),
) -> Votes:
    """Statements numbered from 1 and participants from 1 (engine ids + 1), with planted groups;
    `users` become the first participants. Raises the vote serial as the votes would have."""
    votes, _truth = synthetic.planted_conversation(
        participants=participants,
        statements=statements,
        votes_per_participant=statements,
        groups=groups,
        seed=seed,
    )
    now = timezone.now()
    Statement.objects.bulk_create(
        Statement(
            municipality=deliberation.municipality,
            deliberation=deliberation,
            number=int(number) + 1,
            text=TEXTS[int(number)] if number < len(TEXTS) else f"Утверждение {number + 1}",
            status="accepted",
            created_at=now,
        )
        for number in votes.statements.tolist()
    )
    Participant.objects.bulk_create(
        Participant(
            deliberation=deliberation,
            number=int(number) + 1,
            user=users[index] if index < len(users) else None,
            created_at=now,
        )
        for index, number in enumerate(votes.participants.tolist())
    )
    statement_of = {s.number: s for s in Statement.objects.filter(deliberation=deliberation)}
    person_of = {p.number: p for p in Participant.objects.filter(deliberation=deliberation)}
    Vote.objects.bulk_create(
        (
            Vote(
                deliberation=deliberation,
                participant=person_of[int(votes.participants[r]) + 1],
                statement=statement_of[int(votes.statements[c]) + 1],
                value=int(v),
                created_at=now,
                updated_at=now,
            )
            for r, c, v in zip(votes.rows.tolist(), votes.cols.tolist(), votes.values.tolist(), strict=True)
        ),
        batch_size=2000,
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(
        vote_serial=len(votes),
        last_participant=participants,
        last_statement=statements,
    )
    deliberation.refresh_from_db()
    return votes
