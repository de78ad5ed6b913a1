"""Signatures and escalations sent at the same moment, each in its own thread and database connection."""

from datetime import UTC, datetime, time, timedelta
from functools import partial

import pytest

from veche.accounts.models import User, Verification
from veche.appeals import services
from veche.appeals.models import Appeal, AppealSignature, Status
from veche.appeals.services import (
    AlreadySigned,
    appeal_answer,
    appeal_create,
    appeal_policy_save,
    appeal_sign,
    appeals_escalate_overdue,
)
from veche.core.testing import race
from veche.municipalities.models import Membership, Municipality
from veche.notifications.models import Notification

THREADS = 8
THRESHOLD = 5


@pytest.fixture
def open_appeal(transactional_db, make_user) -> tuple[Appeal, list[User]]:
    municipality = Municipality.objects.create(slug="parallel", name="Параллельск", name_en="Parallelsk")
    admin = make_user("cityadmin")
    Membership.objects.create(user=admin, municipality=municipality, role=Membership.Role.ADMIN)
    appeal_policy_save(actor=admin, municipality=municipality, signature_threshold=THRESHOLD, answer_days=10)
    signers = []
    for i in range(THREADS):
        signer = make_user(f"signer{i}")
        Verification.objects.create(
            user=signer, municipality=municipality, provider=Verification.Provider.IN_PERSON
        )
        signers.append(signer)
    appeal = appeal_create(
        author=make_user("author"), municipality=municipality, title="Together", body="Sign"
    )
    return appeal, signers


def test_eight_signers_at_once_reach_the_threshold_exactly_once(open_appeal):
    appeal, signers = open_appeal

    results, errors = race([partial(appeal_sign, user=signer, appeal=appeal) for signer in signers])

    assert errors == [] and len(results) == THREADS
    appeal.refresh_from_db()
    assert appeal.endorsements_count == AppealSignature.objects.filter(petition=appeal).count() == THREADS
    assert appeal.status == Status.THRESHOLD_REACHED and appeal.answer_due is not None
    told = Notification.objects.filter(kind="appeal.threshold_reached")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["author", "cityadmin"]


def test_one_person_signing_eight_times_at_once_counts_once(open_appeal):
    appeal, signers = open_appeal

    results, errors = race([partial(appeal_sign, user=signers[0], appeal=appeal) for _ in range(THREADS)])

    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadySigned) for e in errors)
    assert {e.signature.pk for e in errors} == {results[0].pk}  # type: ignore[attr-defined]
    appeal.refresh_from_db()
    assert appeal.endorsements_count == AppealSignature.objects.count() == 1
    assert appeal.status == Status.PUBLISHED


@pytest.fixture
def overdue_appeal(open_appeal) -> tuple[Appeal, datetime]:
    """The appeal past its threshold, and a moment after its answer day."""
    appeal, signers = open_appeal
    for signer in signers[:THRESHOLD]:
        appeal_sign(user=signer, appeal=appeal, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    appeal.refresh_from_db()
    assert appeal.answer_due is not None
    return appeal, datetime.combine(appeal.answer_due + timedelta(days=2), time(12), tzinfo=UTC)


def test_escalations_at_once_escalate_once_and_notify_once(overdue_appeal):
    appeal, late = overdue_appeal

    results, errors = race([partial(appeals_escalate_overdue, now=late) for _ in range(4)])

    assert errors == [] and sorted(results) == [0, 0, 0, 1]  # type: ignore[type-var]
    appeal.refresh_from_db()
    assert appeal.escalated_at == late
    assert list(
        Notification.objects.filter(kind="appeal.overdue").values_list("recipient__username", flat=True)
    ) == ["cityadmin"]


def test_an_answer_racing_the_escalation_leaves_an_answered_appeal(overdue_appeal):
    appeal, late = overdue_appeal
    admin = User.objects.get(username="cityadmin")

    _results, errors = race(
        [
            partial(appeal_answer, official=admin, appeal=appeal, answer="Revoked.", now=late),
            partial(appeals_escalate_overdue, now=late),
        ]
    )

    assert errors == []
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    # Escalated only if the tick came first; then its one notice went out.
    escalations = Notification.objects.filter(kind="appeal.overdue").count()
    assert escalations == (1 if appeal.escalated_at is not None else 0)


def test_an_answer_given_after_the_overdue_are_read_but_before_the_claim_stops_the_escalation(
    overdue_appeal, monkeypatch
):
    """The race above, made to go the way its claim exists for, every time, in one thread.

    The escalation reads the overdue appeals' pks, then those who answer (once per municipality),
    then claims each pk. The official answers in between: the claim must see the answered status.
    """
    appeal, late = overdue_appeal
    admin = User.objects.get(username="cityadmin")
    read_answerers = services._answerers
    answered = []

    def answer_then_read_answerers(municipality: Municipality) -> list[User]:
        answered.append(appeal_answer(official=admin, appeal=appeal, answer="Revoked.", now=late))
        return read_answerers(municipality)

    monkeypatch.setattr(services, "_answerers", answer_then_read_answerers)

    assert appeals_escalate_overdue(now=late) == 0

    # The answer did come between the two: the appeal was among the overdue pks that were read.
    assert [a.status for a in answered] == [Status.ANSWERED]
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.escalated_at is None
    assert not Notification.objects.filter(kind="appeal.overdue").exists()
