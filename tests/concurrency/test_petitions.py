"""Endorsements and escalations of appeals and initiatives sent at the same moment, each in its own
thread and database connection (`veche.core.testing.race`)."""

from datetime import UTC, datetime, time, timedelta
from functools import partial
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from veche.accounts.models import User
from veche.core.testing import race
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.municipalities.models import Membership, Municipality
from veche.notifications.models import Notification
from veche.petitions import services
from veche.petitions.tests.kinds import KINDS, THRESHOLD, Kind

THREADS = 8


@pytest.fixture(params=list(KINDS))
def collecting(request, transactional_db, make_user, municipality) -> tuple[Kind, Any, list[User]]:
    """A published petition of each kind, an admin who answers, and eight verified residents."""
    kind = KINDS[request.param]
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    kind.set_policy(municipality, admin)
    author = make_user("author", verified_in=municipality)
    endorsers = [make_user(f"endorser{i}", verified_in=municipality) for i in range(THREADS)]
    petition = kind.publish(author=author, municipality=municipality, title="Together", now=timezone.now())
    return kind, petition, endorsers


def told(kind_name: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind_name).values_list("recipient__username", flat=True))


def test_eight_endorsers_at_once_are_counted_once_each_and_reach_the_threshold_once(collecting):
    kind, petition, endorsers = collecting

    results, errors = race([partial(kind.endorse, user=e, petition=petition) for e in endorsers])

    assert errors == [] and len(results) == THREADS
    petition.refresh_from_db()
    assert (
        petition.endorsements_count == type(results[0]).objects.filter(petition=petition).count() == THREADS
    )
    assert petition.status == "threshold_reached" and petition.answer_due is not None
    reached = told(f"{kind.name}.threshold_reached")
    assert len(reached) == len(set(reached)) and {"author", "cityadmin"} <= set(reached)


def test_one_person_endorsing_eight_times_at_once_counts_once(collecting):
    kind, petition, endorsers = collecting

    results, errors = race([partial(kind.endorse, user=endorsers[0], petition=petition)] * THREADS)

    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, kind.already) for e in errors)
    assert {e.endorsement.pk for e in errors} == {results[0].pk}  # type: ignore[attr-defined]
    petition.refresh_from_db()
    assert petition.endorsements_count == type(results[0]).objects.count() == 1
    assert petition.status == "published"
    # One entry on the ledger, whose receipt the endorsement (and every repeat's answer) carries.
    entry = LedgerEntry.objects.get(chain=chain_name(petition))
    assert results[0].receipt == entry.entry_hash  # type: ignore[attr-defined]
    assert {e.endorsement.receipt for e in errors} == {entry.entry_hash}  # type: ignore[attr-defined]


def test_endorsements_at_once_get_consecutive_ledger_entries_and_their_receipts(collecting):
    kind, petition, endorsers = collecting

    results, errors = race([partial(kind.endorse, user=e, petition=petition) for e in endorsers])

    assert errors == [] and kind.endorsement_model.objects.count() == THREADS
    entries = LedgerEntry.objects.filter(chain=chain_name(petition))
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, THREADS + 1))
    assert {r.receipt for r in results} == set(entries.values_list("entry_hash", flat=True))  # type: ignore[attr-defined]
    assert chain_break(chain_name(petition)) is None
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "chains intact" in out.getvalue()


@pytest.fixture
def overdue(collecting) -> tuple[Kind, Any, datetime]:
    """The petition past its threshold, and a moment after its answer day."""
    kind, petition, endorsers = collecting
    for endorser in endorsers[:THRESHOLD]:
        kind.endorse(user=endorser, petition=petition, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    petition.refresh_from_db()
    assert petition.answer_due is not None
    return kind, petition, datetime.combine(petition.answer_due + timedelta(days=2), time(12), tzinfo=UTC)


def test_escalations_at_once_escalate_once_and_notify_once(overdue):
    kind, petition, late = overdue

    results, errors = race([partial(kind.escalate, now=late) for _ in range(4)])

    assert errors == [] and sorted(results) == [0, 0, 0, 1]  # type: ignore[type-var]
    petition.refresh_from_db()
    assert petition.escalated_at == late
    assert told(f"{kind.name}.overdue") == ["cityadmin"]


def test_an_answer_racing_the_escalation_leaves_an_answered_petition(overdue):
    kind, petition, late = overdue
    admin = User.objects.get(username="cityadmin")

    _results, errors = race(
        [partial(kind.answer, official=admin, petition=petition, now=late), partial(kind.escalate, now=late)]
    )

    assert errors == []
    petition.refresh_from_db()
    assert petition.answered_at == late
    # Escalated only if the tick came first; then its one notice went out.
    assert len(told(f"{kind.name}.overdue")) == (1 if petition.escalated_at is not None else 0)


def test_an_answer_given_after_the_overdue_are_read_but_before_the_claim_stops_the_escalation(
    overdue, monkeypatch
):
    """The race above, made to go the way its claim exists for, every time, in one thread.

    The escalation reads the overdue petitions' pks, then those who answer (once per municipality),
    then claims each pk. The official answers in between: the claim must see the answer.
    """
    kind, petition, late = overdue
    admin = User.objects.get(username="cityadmin")
    read_answerers = services.petition_answerers
    answered = []

    def answer_then_read_answerers(rules: services.PetitionRules, municipality: Municipality) -> list[User]:
        answered.append(kind.answer(official=admin, petition=petition, now=late))
        return read_answerers(rules, municipality)

    monkeypatch.setattr(services, "petition_answerers", answer_then_read_answerers)

    assert kind.escalate(now=late) == 0

    # The answer did come between the two: the petition was among the overdue pks that were read.
    assert [a.answered_at for a in answered] == [late]
    petition.refresh_from_db()
    assert petition.answered_at == late and petition.escalated_at is None
    assert told(f"{kind.name}.overdue") == []
