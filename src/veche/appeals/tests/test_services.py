"""The appeal services: publishing, signing towards the threshold, the deadline, answering, closing."""

from datetime import UTC, date, datetime

import pytest

from veche.access.roles import Tier
from veche.appeals.models import Appeal, AppealPolicy, AppealSignature, Status
from veche.appeals.services import (
    AlreadySigned,
    appeal_answer,
    appeal_close,
    appeal_create,
    appeal_policy_save,
    appeal_sign,
)
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.moderation.services import content_hide
from veche.municipalities.models import CalendarDay
from veche.notifications.models import Notification
from veche.petitions.tests.kinds import THRESHOLD

# A Thursday before the 1 May holiday.
THURSDAY = datetime(2026, 4, 30, 9, 0, tzinfo=UTC)


def notices(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_publishing_makes_the_policy_with_its_defaults(municipality, author):
    appeal = appeal_create(
        author=author, municipality=municipality, title="  Keep the square  ", body="Please."
    )

    policy = AppealPolicy.objects.get(municipality=municipality)
    assert (policy.signature_threshold, policy.answer_days) == (100, 30)
    assert (appeal.title, appeal.status, appeal.threshold, appeal.endorsements_count) == (
        "Keep the square",
        Status.PUBLISHED,
        100,
        0,
    )


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
def test_bad_text_is_refused(title, body, field, policy, municipality, author):
    with pytest.raises(DomainError) as refused:
        appeal_create(author=author, municipality=municipality, title=title, body=body)
    assert field in refused.value.fields
    assert not Appeal.objects.exists()


def test_the_longest_title_and_body_are_accepted(policy, municipality, author):
    appeal = appeal_create(author=author, municipality=municipality, title="я" * 200, body="я" * 4000)
    assert (len(appeal.title), len(appeal.body)) == (200, 4000)


def test_publishing_needs_a_confirmed_account(policy, make_user, municipality):
    with pytest.raises(Forbidden):
        appeal_create(
            author=make_user("newbie", confirmed=False), municipality=municipality, title="T", body="B"
        )
    assert not Appeal.objects.exists()


def test_a_signature_records_the_tier_and_counts_once(appeal, signers):
    signature = appeal_sign(user=signers[0], appeal=appeal)
    with pytest.raises(AlreadySigned) as repeat:
        appeal_sign(user=signers[0], appeal=appeal)

    assert repeat.value.signature == signature
    assert repeat.value.status == 409
    assert signature.tier == Tier.VERIFIED
    appeal.refresh_from_db()
    assert appeal.endorsements_count == AppealSignature.objects.count() == 1


def test_an_unverified_resident_cannot_sign(appeal, resident):
    with pytest.raises(Forbidden) as refused:
        appeal_sign(user=resident, appeal=appeal)
    assert refused.value.message == "Это доступно только подтверждённым жителям этого города."
    appeal.refresh_from_db()
    assert appeal.endorsements_count == 0 and not AppealSignature.objects.exists()


def test_a_resident_verified_elsewhere_cannot_sign(appeal, make_user, other_municipality):
    with pytest.raises(Forbidden):
        appeal_sign(user=make_user("visitor", verified_in=other_municipality), appeal=appeal)
    assert not AppealSignature.objects.exists()


def test_the_threshold_makes_the_answer_due_once(appeal, signers, author, official, municipal_admin):
    CalendarDay.objects.create(municipality=appeal.municipality, date=date(2026, 5, 1), name="Labour Day")
    appeal_policy_save(
        actor=municipal_admin, municipality=appeal.municipality, signature_threshold=50, answer_days=2
    )
    for signer in signers[: THRESHOLD - 1]:
        appeal_sign(user=signer, appeal=appeal, now=THURSDAY)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer_due) == (Status.PUBLISHED, None)

    appeal_sign(user=signers[THRESHOLD - 1], appeal=appeal, now=THURSDAY)
    appeal_sign(user=signers[THRESHOLD], appeal=appeal)

    appeal.refresh_from_db()
    # The threshold of publication stays (3, not the 50 set since); the deadline skips 1 May and the weekend.
    assert appeal.status == Status.THRESHOLD_REACHED
    assert appeal.endorsements_count == THRESHOLD + 1
    assert appeal.threshold_reached_at == THURSDAY
    assert appeal.answer_due == date(2026, 5, 5)
    assert notices("appeal.threshold_reached") == ["author", "cityadmin", "official"]


def test_an_official_answers_and_everyone_is_told(appeal, signers, official, author):
    for signer in signers[:4]:
        appeal_sign(user=signer, appeal=appeal)

    answered = appeal_answer(official=official, appeal=appeal, answer="  The decision is **revoked**.  ")

    assert (answered.status, answered.answer, answered.answered_by) == (
        Status.ANSWERED,
        "The decision is **revoked**.",
        official,
    )
    assert notices("appeal.answered") == ["author", "signer0", "signer1", "signer2", "signer3"]
    entry = AuditEntry.objects.get(action="appeal.answer")
    assert (entry.actor, entry.target_id, entry.details) == (
        official,
        str(appeal.pk),
        {"signatures": 4, "on_time": True},
    )
    with pytest.raises(Conflict) as again:
        appeal_answer(official=official, appeal=appeal, answer="Another")
    assert again.value.code == "already_answered"
    with pytest.raises(Conflict, match="сбор подписей завершён"):
        appeal_sign(user=signers[5], appeal=appeal)


def test_no_answer_before_the_threshold(appeal, official):
    with pytest.raises(Conflict) as refused:
        appeal_answer(official=official, appeal=appeal, answer="Too early")
    assert refused.value.code == "invalid_transition"
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED and not Notification.objects.filter(kind="appeal.answered")


@pytest.mark.parametrize("role", ["resident", "verified_resident", "moderator"])
def test_only_officials_and_admins_answer(role, request, appeal, signers):
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal)
    with pytest.raises(NotFound):
        appeal_answer(official=request.getfixturevalue(role), appeal=appeal, answer="Not mine to give")
    appeal.refresh_from_db()
    assert appeal.status == Status.THRESHOLD_REACHED and not AuditEntry.objects.filter(action="appeal.answer")


@pytest.mark.parametrize("answer", ["  ", "я" * 4001, "a\x00b"], ids=["empty", "4001-chars", "nul"])
def test_a_bad_answer_is_refused(answer, appeal, signers, official):
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal)
    with pytest.raises(DomainError) as refused:
        appeal_answer(official=official, appeal=appeal, answer=answer)
    assert "answer" in refused.value.fields
    appeal.refresh_from_db()
    assert appeal.status == Status.THRESHOLD_REACHED


def test_the_author_closes_and_signing_stops(appeal, author, signers, verified_resident):
    appeal_sign(user=signers[0], appeal=appeal)
    with pytest.raises(Forbidden):
        appeal_close(author=verified_resident, appeal=appeal)

    closed = appeal_close(author=author, appeal=appeal)

    assert closed.status == Status.CLOSED and closed.closed_at is not None
    assert notices("appeal.closed") == ["signer0"]
    with pytest.raises(Conflict, match="закрыта автором"):
        appeal_sign(user=signers[1], appeal=appeal)
    with pytest.raises(Conflict):
        appeal_close(author=author, appeal=appeal)


def test_a_hidden_appeal_cannot_be_signed_or_answered(appeal, signers, moderator, official):
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal)
    content_hide(moderator=moderator, content=appeal, reason="Personal data")

    with pytest.raises(Conflict, match="Модератор скрыл эту петицию, подписать её нельзя"):
        appeal_sign(user=signers[THRESHOLD], appeal=appeal)
    with pytest.raises(Conflict, match="Модератор скрыл эту петицию. Прежде чем отвечать, восстановите её."):
        appeal_answer(official=official, appeal=appeal, answer="Answer")
    appeal.refresh_from_db()
    assert appeal.endorsements_count == THRESHOLD and appeal.status == Status.THRESHOLD_REACHED


def test_the_policy_is_the_admins_and_audited(municipality, municipal_admin, official):
    with pytest.raises(NotFound):
        appeal_policy_save(actor=official, municipality=municipality, signature_threshold=5, answer_days=5)
    with pytest.raises(DomainError) as refused:
        appeal_policy_save(
            actor=municipal_admin, municipality=municipality, signature_threshold=0, answer_days=121
        )
    assert set(refused.value.fields) == {"signature_threshold", "answer_days"}
    assert not AuditEntry.objects.filter(action="appeal_policy.update").exists()

    policy = appeal_policy_save(
        actor=municipal_admin, municipality=municipality, signature_threshold=500, answer_days=20
    )

    assert (policy.signature_threshold, policy.answer_days) == (500, 20)
    entry = AuditEntry.objects.get(action="appeal_policy.update")
    assert entry.details == {
        "before": {"signature_threshold": 100, "answer_days": 30},
        "after": {"signature_threshold": 500, "answer_days": 20},
    }
