"""Demo polls in every municipality (but those whose residents only report and appeal,
`municipalities.demo.INFORMING_ONLY`): open, upcoming and closed ones, of every kind, one per district.

In Moscow, resident1 (verified in the Central district) has not voted in the open polls and may
vote in each; the closed poll and some open ones already have votes from other demo residents,
cast through the voting service like any vote, so every one is in the ledger.
"""

from datetime import datetime, timedelta
from typing import Any, TextIO

from django.utils import timezone

from veche.accounts.models import User
from veche.municipalities.demo import INFORMING_ONLY
from veche.municipalities.models import District, Municipality
from veche.polls.models import Kind, Poll, PollTier
from veche.polls.services import poll_create, poll_publish, poll_vote

MOSCOW_VOTERS = [f"resident{i}" for i in range(2, 11)]  # resident1 is left to vote


def _poll(
    *,
    actor: User,
    municipality: Municipality,
    title: str,
    options: list[str],
    opens: timedelta,
    closes: timedelta,
    now: datetime,
    kind: str = Kind.SINGLE,
    choices: tuple[int, int] = (1, 1),
    tier: int = PollTier.VERIFIED,
    districts: list[District] | None = None,
    live_results: bool = False,
    description: str = "",
    publish: bool = True,
) -> Poll:
    """A poll opening and closing at `now` + the given offsets, published the day before it opens."""
    opens_at = now + opens
    poll = poll_create(
        actor=actor,
        municipality=municipality,
        title=title,
        description=description,
        kind=kind,
        options=options,
        min_choices=choices[0],
        max_choices=choices[1],
        districts=districts or [],
        tier=tier,
        opens_at=opens_at,
        closes_at=now + closes,
        live_results=live_results,
        now=opens_at - timedelta(days=2),
    )
    if publish:
        poll = poll_publish(actor=actor, poll=poll, now=opens_at - timedelta(days=1))
    return poll


def _votes(poll: Poll, ballots: list[tuple[User, list[int]]]) -> None:
    """Each voter's ballot of option positions (1-based), cast an hour apart from the opening."""
    ids = [option.pk for option in poll.options.order_by("position")]
    for hour, (voter, positions) in enumerate(ballots, start=1):
        poll_vote(
            user=voter,
            poll=poll,
            options=[ids[p - 1] for p in positions],
            now=poll.opens_at + timedelta(hours=hour),
        )


def _moscow(municipality: Municipality, admin: User, official: User, now: datetime) -> int:
    users = {u.username: u for u in User.objects.filter(username__in=MOSCOW_VOTERS)}
    voters = [users[name] for name in MOSCOW_VOTERS if name in users]
    verified = [v for v in voters if v.username != "resident2"]
    central = municipality.districts.get(slug="d1")
    park = _poll(
        actor=admin,
        municipality=municipality,
        title="Что построить в Парке Дружбы?",
        description="В парке освобождается участок у пруда. Выберите, что там появится в следующем году.",
        options=["Скейт-парк", "Летний кинотеатр", "Площадку для воркаута", "Оставить газон и деревья"],
        opens=timedelta(days=-5),
        closes=timedelta(days=10),
        now=now,
    )
    _votes(park, [(v, [1 + i % 4]) for i, v in enumerate(verified[:5])])
    festival = _poll(
        actor=admin,
        municipality=municipality,
        title="Какие мероприятия провести в День города?",
        description="Выберите от одного до трёх мероприятий. Результаты видны во время голосования.",
        kind=Kind.MULTIPLE,
        choices=(1, 3),
        tier=PollTier.REGISTERED,
        options=[
            "Концерт на Красной площади",
            "Ярмарку городских мастеров",
            "Ночные экскурсии",
            "Велопарад",
            "Фестиваль уличной еды",
            "Салют",
        ],
        opens=timedelta(days=-2),
        closes=timedelta(days=12),
        live_results=True,
        now=now,
    )
    _votes(festival, [(v, [1 + i % 6, 1 + (i + 2) % 6]) for i, v in enumerate(voters[:6])])
    priorities = _poll(
        actor=official,
        municipality=municipality,
        title="Расставьте приоритеты благоустройства на следующий год",
        description="Отметьте от одного до трёх направлений: 1 — самое важное. Считаем по Борда.",
        kind=Kind.RANKED,
        choices=(1, 3),
        options=["Дворы", "Тротуары", "Освещение", "Детские площадки", "Остановки транспорта"],
        opens=timedelta(days=-1),
        closes=timedelta(days=20),
        live_results=True,
        now=now,
    )
    _votes(
        priorities, [(v, [1 + i % 5, 1 + (i + 1) % 5, 1 + (i + 3) % 5]) for i, v in enumerate(verified[2:8])]
    )
    _poll(
        actor=admin,
        municipality=municipality,
        title="Где поставить новые скамейки в Центральном округе?",
        description="Только для жителей Центрального округа, подтвердивших место жительства.",
        options=["На Тверском бульваре", "В Александровском саду", "У Чистых прудов"],
        districts=[central],
        opens=timedelta(hours=-6),
        closes=timedelta(days=7),
        now=now,
    )
    bus_lane = _poll(
        actor=admin,
        municipality=municipality,
        title="Нужна ли выделенная полоса для автобусов на Садовом кольце?",
        options=["Да, круглосуточно", "Да, только в часы пик", "Нет"],
        tier=PollTier.REGISTERED,
        opens=timedelta(days=-40),
        closes=timedelta(days=-10),
        now=now,
    )
    _votes(bus_lane, [(v, [(1, 1, 2, 3, 1, 2, 1, 3, 2)[i]]) for i, v in enumerate(voters)])
    _poll(
        actor=admin,
        municipality=municipality,
        title="Как назвать новую станцию метро в Троицке?",
        options=["Троицк", "Академическая-2", "Ботаническая"],
        opens=timedelta(days=3),
        closes=timedelta(days=17),
        now=now,
    )
    _poll(
        actor=admin,
        municipality=municipality,
        title="Режим работы катков зимой",
        options=["До 22:00", "До 23:00", "Круглосуточно по выходным"],
        opens=timedelta(days=30),
        closes=timedelta(days=44),
        now=now,
        publish=False,
    )
    return 7


def _city(municipality: Municipality, admin: User, now: datetime) -> int:
    # The city's verified demo residents (the appeals demo verifies them in its first district).
    residents = list(
        User.objects.filter(
            username__startswith=f"{municipality.slug}-resident", verifications__municipality=municipality
        ).order_by("username")
    )
    first = municipality.districts.order_by("pk").first()
    yard = _poll(
        actor=admin,
        municipality=municipality,
        title="Какой двор благоустроить первым?",
        options=["Двор на улице Ленина, 12", "Двор на Садовой, 5", "Двор на Школьной, 3"],
        opens=timedelta(days=-3),
        closes=timedelta(days=11),
        now=now,
    )
    _votes(yard, [(r, [1 + i % 3]) for i, r in enumerate(residents[1:4])])
    library = _poll(
        actor=admin,
        municipality=municipality,
        title="Что добавить в городской библиотеке?",
        kind=Kind.MULTIPLE,
        choices=(1, 2),
        options=["Коворкинг", "Детскую комнату", "Вечерние часы работы", "Кружки для пенсионеров"],
        opens=timedelta(days=-30),
        closes=timedelta(days=-5),
        now=now,
    )
    _votes(library, [(r, [1 + i % 4, 1 + (i + 1) % 4]) for i, r in enumerate(residents)])
    _poll(
        actor=admin,
        municipality=municipality,
        title="Расставьте по важности: ремонт каких дорог начать весной",
        kind=Kind.RANKED,
        choices=(2, 4),
        options=["Проспект Мира", "Улица Гагарина", "Набережная", "Объездная дорога"],
        opens=timedelta(days=2),
        closes=timedelta(days=16),
        now=now,
    )
    if first is not None:
        _poll(
            actor=admin,
            municipality=municipality,
            title=f"Нужен ли новый пешеходный переход — {first.name}?",
            options=["Да", "Нет"],
            districts=[first],
            opens=timedelta(days=-1),
            closes=timedelta(days=9),
            now=now,
        )
    return 4 if first is not None else 3


def load(stdout: TextIO) -> None:
    if Poll.objects.exists():
        stdout.write("  polls already loaded")
        return
    now = timezone.now()
    made: dict[str, Any] = {"polls": 0, "cities": 0}
    for municipality in Municipality.objects.filter(is_active=True).order_by("pk"):
        admin = User.objects.filter(username=f"{municipality.slug}-admin").first()
        if admin is None or municipality.slug in INFORMING_ONLY:
            continue  # no staff, or its residents only report and appeal
        if municipality.slug == "moscow":
            official = User.objects.get(username="moscow-official")
            made["polls"] += _moscow(municipality, admin, official, now)
        else:
            made["polls"] += _city(municipality, admin, now)
        made["cities"] += 1
    stdout.write(
        f"  {made['polls']} polls in {made['cities']} municipalities (open, upcoming, closed, by district); "
        "resident1 has not voted in Moscow's open polls"
    )
