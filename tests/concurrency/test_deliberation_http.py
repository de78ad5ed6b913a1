"""Votes on a deliberation's statement sent at the same moment through the API (with and without an
Idempotency-Key) and the page's card, each request in its own thread and database connection: one
person changing their answer in several tabs at once while others answer. The service-level bursts
and the API's single-answer bursts are in test_deliberation_votes.py and test_deliberation_api_votes.py.
"""

from collections.abc import Callable

from tests.concurrency.clients import api_post, page_post, server_errors, statuses
from veche.accounts.models import User
from veche.core.testing import race, unexpected
from veche.deliberation.models import Deliberation, Participant, Vote
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown
from veche.municipalities.models import Municipality

OTHERS = 5


def test_one_person_answering_differently_in_several_tabs_while_others_answer_keeps_one_vote_each(
    transactional_db: None,
    municipality: Municipality,
    municipal_admin: User,
    make_user: Callable[..., User],
) -> None:
    deliberation = open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])
    statement = shown(deliberation)[0]
    api = f"/api/v1/deliberations/{deliberation.pk}/votes"
    page = f"/m/testgrad/deliberations/{deliberation.pk}/vote/"
    eager = make_user("eager")
    others = [make_user(f"p{i}") for i in range(OTHERS)]
    keyed = api_post(eager, api, {"statement": statement.pk, "vote": -1}, key="vote-once")
    burst = [
        api_post(eager, api, {"statement": statement.pk, "vote": 1}),
        api_post(eager, api, {"statement": statement.pk, "vote": 0}),
        keyed,
        keyed,
        page_post(eager, page, {"statement": statement.pk, "vote": "1"}),
        page_post(eager, page, {"statement": statement.pk, "vote": "-1"}),
    ]
    singles = [
        (
            api_post(p, api, {"statement": statement.pk, "vote": 1})
            if i % 2
            else page_post(p, page, {"statement": statement.pk, "vote": "0"})
        )
        for i, p in enumerate(others)
    ]

    answers, errors = race(burst + singles)

    assert not errors, unexpected(errors)
    assert not server_errors(answers), statuses(answers)
    mine, theirs = answers[: len(burst)], answers[len(burst) :]
    # The API: 201 the first answer, 200 an answer replaced (or a keyed twin replayed), 409 a keyed
    # twin still running; the page: back to the card (302).
    assert set(statuses(mine[:4])) <= {200, 201, 409} and statuses(mine[4:]) == [302, 302], statuses(mine)
    assert sum(a.status == 201 for a in mine if not a.replayed) <= 1, statuses(mine)
    assert statuses(theirs) == [201] * (OTHERS // 2) + [302] * (OTHERS - OTHERS // 2)
    votes = Vote.objects.filter(statement=statement)
    assert votes.count() == 1 + OTHERS
    assert votes.get(participant__user=eager).value in (1, 0, -1)
    participants = Participant.objects.filter(deliberation=deliberation)
    assert sorted(participants.values_list("number", flat=True)) == list(range(1, OTHERS + 2))
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert deliberation.last_participant == participants.count()
    # Every write that went through is counted once: the serial is the number of them.
    written = sum(a.status in (200, 201, 302) and not a.replayed for a in answers)
    assert deliberation.vote_serial == written, (deliberation.vote_serial, statuses(answers))
