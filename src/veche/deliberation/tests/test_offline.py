"""Answer sheets entered without accounts: one participant a sheet, numbered after those who voted on
the site; only those who run the deliberation enter them; a wrong value or a statement not shown
leaves nothing."""

import pytest

from veche.core.errors import DomainError, NotFound
from veche.deliberation.models import Deliberation, Participant, Vote
from veche.deliberation.offline import deliberation_add_offline_votes
from veche.deliberation.services import map_recompute, statement_add, vote_cast
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


def _state(deliberation):
    row = Deliberation.objects.get(pk=deliberation.pk)
    return (
        row.last_participant,
        row.vote_serial,
        Participant.objects.filter(deliberation=deliberation).count(),
        Vote.objects.filter(deliberation=deliberation).count(),
    )


def test_each_sheet_is_a_participant_without_an_account(deliberation, municipal_admin, resident):
    first, second = shown(deliberation)[:2]
    vote_cast(user=resident, deliberation=deliberation, statement=first, value=1)

    made = deliberation_add_offline_votes(
        actor=municipal_admin,
        deliberation=deliberation,
        sheets=[{first.number: 1, second.number: -1}, {second.number: 0}],
    )

    assert [(p.number, p.user_id) for p in made] == [(2, None), (3, None)]
    votes = Vote.objects.filter(participant__in=made).order_by("participant__number", "statement__number")
    assert list(votes.values_list("participant__number", "statement__number", "value")) == [
        (2, first.number, 1),
        (2, second.number, -1),
        (3, second.number, 0),
    ]
    assert _state(deliberation) == (3, 4, 3, 4)
    assert map_recompute(deliberation=deliberation).n_votes == 4


@pytest.mark.parametrize(
    ("sheet", "code"),
    [
        ({"first": 2}, "bad_vote"),
        ({"first": True}, "bad_vote"),
        ({999: 1}, "unknown_statement"),
        ({"pending": 1}, "unknown_statement"),
    ],
)
def test_a_wrong_sheet_leaves_nothing(deliberation, municipal_admin, resident, sheet, code):
    first = shown(deliberation)[0]
    pending = statement_add(author=resident, deliberation=deliberation, text="Нужны урны у входа")
    numbers = {"first": first.number, "pending": pending.number}
    sheets = [{first.number: 1}, {numbers.get(k, k): v for k, v in sheet.items()}]
    before = _state(deliberation)

    with pytest.raises(DomainError) as caught:
        deliberation_add_offline_votes(actor=municipal_admin, deliberation=deliberation, sheets=sheets)

    assert caught.value.code == code
    assert _state(deliberation) == before


def test_only_those_who_run_it_enter_sheets(deliberation, resident):
    first = shown(deliberation)[0]
    before = _state(deliberation)

    with pytest.raises(NotFound):
        deliberation_add_offline_votes(actor=resident, deliberation=deliberation, sheets=[{first.number: 1}])

    assert _state(deliberation) == before
