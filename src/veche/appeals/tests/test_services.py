"""The appeal services: publishing, signing towards the threshold, the deadline, answering, closing."""

from datetime import date

import pytest

from veche.appeals.models import Appeal, AppealPolicy, Status
from veche.appeals.services import (
    appeal_answer,
    appeal_close,
    appeal_create,
    appeal_policy_save,
    appeal_sign,
)
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.petitions.tests.kinds import THRESHOLD, THURSDAY, notices


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


def test_publishing_needs_a_confirmed_account(policy, make_user, municipality):
    with pytest.raises(Forbidden):
        appeal_create(
            author=make_user("newbie", confirmed=False), municipality=municipality, title="T", body="B"
        )
    assert not Appeal.objects.exists()


def test_an_appeal_keeps_the_threshold_it_was_published_with(appeal, signers, municipal_admin):
    appeal_policy_save(
        actor=municipal_admin, municipality=appeal.municipality, signature_threshold=50, answer_days=2
    )
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal, now=THURSDAY)

    appeal.refresh_from_db()
    # Three, not the 50 set since; the answer is due in the working days the policy gives when the
    # threshold is reached (two after Thursday: Friday, then Monday).
    assert (appeal.threshold, appeal.status) == (THRESHOLD, Status.THRESHOLD_REACHED)
    assert appeal.answer_due == date(2026, 5, 4)


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
