"""Supports sent at the same moment, each in its own thread and database connection."""

from decimal import Decimal
from functools import partial
from io import StringIO

import pytest
from conftest import build_municipality
from django.core.management import call_command

from veche.accounts.models import User, Verification
from veche.core.testing import race
from veche.initiatives.models import Initiative, InitiativeSupport, Scope, Status, ThresholdKind
from veche.initiatives.services import (
    AlreadySupported,
    initiative_create,
    initiative_policy_save,
    initiative_publish,
    initiative_support,
)
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.municipalities.models import Membership
from veche.notifications.models import Notification

THREADS = 8
THRESHOLD = 5


@pytest.fixture
def collecting(transactional_db, make_user) -> tuple[Initiative, list[User]]:
    municipality = build_municipality("parallel", "Параллельск", "Parallelsk")
    admin = make_user("cityadmin")
    Membership.objects.create(user=admin, municipality=municipality, role=Membership.Role.ADMIN)
    initiative_policy_save(
        actor=admin,
        municipality=municipality,
        support_days=30,
        threshold_kind=ThresholdKind.COUNT,
        support_threshold=THRESHOLD,
        support_percent=Decimal("1"),
        scope=Scope.MUNICIPALITY,
        answer_days=10,
        voting_days=7,
    )
    district = municipality.districts.get(slug="d1")
    people = []
    for name in ["author", *(f"supporter{i}" for i in range(THREADS))]:
        person = make_user(name)
        Verification.objects.create(
            user=person,
            municipality=municipality,
            district=district,
            provider=Verification.Provider.IN_PERSON,
        )
        people.append(person)
    author, supporters = people[0], people[1:]
    draft = initiative_create(
        author=author, municipality=municipality, title="Together", body="Support", district=district
    )
    return initiative_publish(author=author, initiative=draft), supporters


def test_eight_supporters_at_once_fire_the_threshold_exactly_once(collecting):
    initiative, supporters = collecting

    results, errors = race([partial(initiative_support, user=s, initiative=initiative) for s in supporters])

    assert errors == [] and len(results) == THREADS
    initiative.refresh_from_db()
    assert (
        initiative.endorsements_count
        == InitiativeSupport.objects.filter(petition=initiative).count()
        == THREADS
    )
    assert initiative.status == Status.THRESHOLD_REACHED and initiative.answer_due is not None
    entries = LedgerEntry.objects.filter(chain=chain_name(initiative))
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, THREADS + 1))
    assert {r.receipt for r in results} == set(entries.values_list("entry_hash", flat=True))  # type: ignore[attr-defined]
    assert chain_break(chain_name(initiative)) is None
    # Fired once: the author and the admin once each, and only the first five supporters.
    told = list(
        Notification.objects.filter(kind="initiative.threshold_reached").values_list(
            "recipient__username", flat=True
        )
    )
    assert len(told) == len(set(told)) and {"author", "cityadmin"} <= set(told)
    assert len(told) == 2 + THRESHOLD
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "chains intact" in out.getvalue()


def test_one_person_supporting_eight_times_at_once_counts_once(collecting):
    initiative, supporters = collecting

    results, errors = race([partial(initiative_support, user=supporters[0], initiative=initiative)] * THREADS)

    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, AlreadySupported) for e in errors)
    assert {e.support.pk for e in errors} == {results[0].pk}  # type: ignore[attr-defined]
    initiative.refresh_from_db()
    assert initiative.endorsements_count == InitiativeSupport.objects.count() == 1
    assert LedgerEntry.objects.filter(chain=chain_name(initiative)).count() == 1
    assert initiative.status == Status.PUBLISHED
