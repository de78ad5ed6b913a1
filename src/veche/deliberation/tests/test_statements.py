"""Adding statements: plain text within the limit, one of a kind, residents' wait for moderation,
the organisers' are accepted at once; moderation accepts or rejects with a reason."""

import pytest
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.deliberation.access import access_statement
from veche.deliberation.models import Participant, Statement, StatementStatus
from veche.deliberation.services import next_statement, statement_add, statement_moderate
from veche.deliberation.tests.helpers import SEEDS, open_deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS[:2], statement_max_length=40)


def test_a_resident_statement_waits_and_is_not_shown(deliberation, resident, municipal_admin):
    statement = statement_add(author=resident, deliberation=deliberation, text="  Нужны   урны у входа ")
    assert statement.status == StatementStatus.PENDING and not statement.is_seed
    assert statement.text == "Нужны урны у входа"
    assert statement.number == 3
    assert statement.participant == Participant.objects.get(deliberation=deliberation, user=resident)
    # Not offered to voters while it waits.
    for _ in range(10):
        offered = next_statement(deliberation=deliberation, participant=None)
        assert offered is not None and offered.pk != statement.pk
    # Seen by its author and the organisers only.
    assert access_statement(resident, statement.pk, deliberation=deliberation) == statement
    assert access_statement(municipal_admin, statement.pk, deliberation=deliberation) == statement


def test_a_pending_statement_is_hidden_from_others(deliberation, resident, make_user):
    statement = statement_add(author=resident, deliberation=deliberation, text="Нужны урны у входа")
    with pytest.raises(NotFound):
        access_statement(make_user("other"), statement.pk, deliberation=deliberation)


def test_an_organiser_statement_is_a_seed_accepted_at_once(deliberation, municipal_admin):
    seeds = list(Statement.objects.filter(deliberation=deliberation))
    assert [s.status for s in seeds] == [StatementStatus.ACCEPTED] * 2
    assert all(s.is_seed and s.participant is None for s in seeds)
    assert [s.number for s in seeds] == [1, 2]


def test_longer_than_the_limit_is_refused(deliberation, resident):
    with pytest.raises(DomainError) as refused:
        statement_add(author=resident, deliberation=deliberation, text="а" * 41)
    assert "text" in refused.value.fields
    statement_add(author=resident, deliberation=deliberation, text="а" * 40)


@pytest.mark.parametrize(
    "text",
    [
        "<b>Скамейки</b> нужны",
        "Смотрите [здесь](https://example.org)",
        "Это **очень** важно",
        "Скамейки &amp; свет",
        "<script>alert(1)</script>",
        "# Заголовок",
    ],
)
def test_markup_is_refused(deliberation, resident, text):
    with pytest.raises(DomainError) as refused:
        statement_add(author=resident, deliberation=deliberation, text=text)
    assert refused.value.code == "markup" and "text" in refused.value.fields
    assert not Statement.objects.filter(deliberation=deliberation, author=resident).exists()


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b"])
def test_an_empty_statement_is_refused(deliberation, resident, text):
    with pytest.raises(DomainError) as refused:
        statement_add(author=resident, deliberation=deliberation, text=text)
    assert "text" in refused.value.fields


def test_the_same_text_twice_is_refused(deliberation, resident):
    with pytest.raises(Conflict) as refused:
        statement_add(author=resident, deliberation=deliberation, text="  в ПАРКЕ нужно  больше скамеек ")
    assert refused.value.code == "duplicate"
    assert Statement.objects.filter(deliberation=deliberation).count() == 2


def test_residents_may_be_kept_from_adding(municipal_admin, municipality, resident):
    organisers_only = open_deliberation(municipal_admin, municipality, residents_add_statements=False)
    with pytest.raises(Forbidden) as refused:
        statement_add(author=resident, deliberation=organisers_only, text="Мой вопрос")
    assert refused.value.code == "organisers_only"
    statement_add(author=municipal_admin, deliberation=organisers_only, text="Вопрос организатора")


def test_no_statements_while_closed(deliberation, resident):
    with pytest.raises(Conflict) as refused:
        statement_add(author=resident, deliberation=deliberation, text="Поздно", now=deliberation.closes_at)
    assert refused.value.code == "stage_closed"


def test_moderation_accepts_or_rejects_with_a_reason(deliberation, resident, moderator, make_user):
    waiting = statement_add(author=resident, deliberation=deliberation, text="Нужны урны у входа")
    other = statement_add(author=resident, deliberation=deliberation, text="Нужен фонтан")
    with pytest.raises(NotFound):
        statement_moderate(moderator=make_user("stranger"), statement=waiting, accept=True)
    with pytest.raises(DomainError) as refused:
        statement_moderate(moderator=moderator, statement=other, accept=False, reason="")
    assert "reason" in refused.value.fields

    accepted = statement_moderate(moderator=moderator, statement=waiting, accept=True, now=timezone.now())
    rejected = statement_moderate(moderator=moderator, statement=other, accept=False, reason="Не по теме")

    assert accepted.status == StatementStatus.ACCEPTED and accepted.is_shown
    assert rejected.status == StatementStatus.REJECTED and rejected.moderation_reason == "Не по теме"
    assert access_statement(make_user("other"), accepted.pk, deliberation=deliberation) == accepted
    with pytest.raises(NotFound):
        access_statement(make_user("third"), rejected.pk, deliberation=deliberation)


def test_a_flagged_statement_hidden_by_a_moderator_leaves_the_vote(
    deliberation, resident, moderator, monkeypatch
):
    from veche.deliberation.models import Deliberation
    from veche.deliberation.services import vote_cast
    from veche.moderation.services import content_hide, flag_create

    # The pages' route ("deliberation:detail") comes with the pages; moderation only needs a link.
    monkeypatch.setattr(Deliberation, "get_absolute_url", lambda self: f"/deliberations/{self.pk}/")
    statement = Statement.objects.filter(deliberation=deliberation).first()
    flag_create(reporter=resident, content=statement, reason="spam")
    before = Deliberation.objects.get(pk=deliberation.pk).vote_serial

    content_hide(moderator=moderator, content=statement, reason="Реклама")

    assert Deliberation.objects.get(pk=deliberation.pk).vote_serial == before + 1
    with pytest.raises(Conflict) as refused:
        vote_cast(user=resident, deliberation=deliberation, statement=statement, value=1)
    assert refused.value.code == "statement_not_shown"
