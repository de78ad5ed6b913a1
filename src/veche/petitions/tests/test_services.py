"""The services every petition shares, for appeals and initiatives alike: the text of a petition, who
may endorse it and how often, when its answer is due, and who may answer it and when."""

from datetime import date

import pytest

from veche.access.roles import Tier
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.moderation.services import content_hide
from veche.municipalities.models import CalendarDay
from veche.petitions.tests.kinds import THRESHOLD, THURSDAY, notices, reach_threshold


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("  ", "Text", "title"),
        ("я" * 201, "Text", "title"),
        ("Two\nlines", "Text", "title"),
        ("Title", " \n ", "body"),
        ("Title", "я" * 4001, "body"),
        ("Title", "до\x00после", "body"),
    ],
    ids=["empty-title", "201-char-title", "multiline-title", "empty-body", "4001-char-body", "nul-body"],
)
def test_bad_text_is_refused(title, body, field, kind, municipality, author):
    with pytest.raises(DomainError) as refused:
        kind.publish(author=author, municipality=municipality, title=title, body=body)

    assert set(refused.value.fields) == {field}
    assert not kind.model.objects.exists()


def test_the_longest_title_and_body_are_accepted(kind, municipality, author):
    petition = kind.publish(author=author, municipality=municipality, title="я" * 200, body="я" * 4000)

    assert (len(petition.title), len(petition.body)) == (200, 4000)


def test_an_endorsement_records_the_tier_and_counts_once(kind, petition, endorsers):
    endorsement = kind.endorse(user=endorsers[0], petition=petition)
    with pytest.raises(kind.already) as repeat:
        kind.endorse(user=endorsers[0], petition=petition)

    assert repeat.value.endorsement == endorsement and repeat.value.status == 409
    assert endorsement.tier == Tier.VERIFIED
    petition.refresh_from_db()
    assert petition.endorsements_count == kind.endorsement_model.objects.count() == 1


def test_only_residents_verified_in_the_municipality_endorse(
    kind, petition, resident, make_user, other_municipality
):
    with pytest.raises(Forbidden) as refused:
        kind.endorse(user=resident, petition=petition)
    assert refused.value.message == "Это доступно только подтверждённым жителям этого города."
    with pytest.raises(Forbidden):
        kind.endorse(user=make_user("visitor", verified_in=other_municipality), petition=petition)

    petition.refresh_from_db()
    assert petition.endorsements_count == 0 and not kind.endorsement_model.objects.exists()


def test_the_answer_is_due_in_the_municipality_s_working_days(
    kind, make_petition, endorsers, municipality, official
):
    CalendarDay.objects.create(
        municipality=municipality, date=date(2026, 5, 1), name="Праздник Весны и Труда"
    )
    petition = make_petition(now=THURSDAY)

    reach_threshold(kind, petition, endorsers, THURSDAY)

    petition.refresh_from_db()
    assert petition.threshold_reached_at == THURSDAY
    # Ten working days after Thursday 30 April, skipping the 1 May holiday and two weekends.
    assert petition.answer_due == date(2026, 5, 15)
    told = ["author", "cityadmin", "official"]
    if kind.endorsers_hear_of_the_threshold:
        told += [endorser.username for endorser in endorsers[:THRESHOLD]]
    assert notices(f"{kind.name}.threshold_reached") == sorted(told)


def test_no_answer_is_due_before_the_threshold(kind, petition, official):
    with pytest.raises(Conflict) as refused:
        kind.answer(official=official, petition=petition)

    assert refused.value.code == "invalid_transition"
    petition.refresh_from_db()
    assert petition.status == "published" and petition.answered_at is None


@pytest.mark.parametrize("role", ["resident", "verified_resident", "moderator", "author"])
def test_only_those_who_answer_for_the_municipality_answer(role, request, kind, petition, endorsers):
    reach_threshold(kind, petition, endorsers, THURSDAY)

    with pytest.raises(NotFound):
        kind.answer(official=request.getfixturevalue(role), petition=petition)

    petition.refresh_from_db()
    assert petition.status == "threshold_reached" and petition.answered_at is None
    assert not AuditEntry.objects.filter(action=kind.answer_action).exists()


def test_a_hidden_petition_takes_no_endorsement_and_no_answer(kind, petition, endorsers, moderator, official):
    reach_threshold(kind, petition, endorsers, THURSDAY)
    content_hide(moderator=moderator, content=petition, reason="Personal data")

    with pytest.raises(Conflict) as endorsing:
        kind.endorse(user=endorsers[THRESHOLD], petition=petition)
    with pytest.raises(Conflict) as answering:
        kind.answer(official=official, petition=petition)

    assert endorsing.value.code == "not_collecting" and endorsing.value.message.startswith("Модератор скрыл")
    assert "Прежде чем отвечать, восстановите" in answering.value.message
    petition.refresh_from_db()
    assert petition.endorsements_count == THRESHOLD and petition.status == "threshold_reached"


def test_every_status_of_each_kind_is_a_step(kind):
    statuses = {value for value, _label in kind.model._meta.get_field("status").choices}
    steps = {status: kind.phase_of(kind.model(status=status)).name for status in statuses}

    assert {kind.model.COLLECTING, kind.model.AWAITING_ANSWER} <= statuses
    assert (steps[kind.model.COLLECTING], steps[kind.model.AWAITING_ANSWER]) == (
        "collecting",
        "awaiting_answer",
    )
    assert {steps[status] for status in kind.model.ANSWERED} == {"answered"}
    assert "ended" in steps.values()
