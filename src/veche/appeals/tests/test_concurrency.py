"""Signatures sent at the same moment, each in its own thread and database connection."""

from functools import partial

import pytest

from veche.accounts.models import User, Verification
from veche.appeals.models import Appeal, AppealSignature, Status
from veche.appeals.services import AlreadySigned, appeal_create, appeal_policy_save, appeal_sign
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
    assert appeal.signatures_count == AppealSignature.objects.filter(appeal=appeal).count() == THREADS
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
    assert appeal.signatures_count == AppealSignature.objects.count() == 1
    assert appeal.status == Status.PUBLISHED
