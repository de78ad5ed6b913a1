"""Appeal signatures and initiative supports sent at the same moment through the API (with and without
an Idempotency-Key) and the page's button, each request in its own thread and database connection;
and an initiative's supports racing the tick that archives it when its window ends.

The service-level bursts are in test_petitions.py; these go through everything a request goes through.
"""

from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from tests.concurrency.clients import api_post, page_post, server_errors, statuses
from veche.accounts.models import User
from veche.core.errors import Conflict
from veche.core.models import IdempotencyRecord
from veche.core.testing import race, unexpected
from veche.initiatives.models import Initiative, InitiativeSupport, Status
from veche.initiatives.services import initiative_support, initiatives_archive_expired
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.municipalities.models import Membership
from veche.notifications.models import Notification
from veche.petitions.tests.kinds import KINDS, THRESHOLD, Kind

PEOPLE = 6


@pytest.fixture(params=list(KINDS))
def collecting(request, transactional_db, make_user, municipality) -> tuple[Kind, Any, list[User]]:
    """A published petition of each kind (THRESHOLD endorsements to reach), and six verified residents."""
    kind = KINDS[request.param]
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    kind.set_policy(municipality, admin)
    author = make_user("author", verified_in=municipality)
    people = [make_user(f"endorser{i}", verified_in=municipality) for i in range(PEOPLE)]
    petition = kind.publish(author=author, municipality=municipality, title="Together", now=timezone.now())
    return kind, petition, people


def _paths(kind: Kind, petition: Any) -> tuple[str, str]:
    """The API's endorsements and the page's button of `petition`."""
    return (
        f"/api/v1/{kind.path}/{petition.pk}/{kind.api_endorse}",
        f"/m/testgrad/{kind.path}/{petition.pk}/{kind.endorse_path}/",
    )


def test_one_person_many_times_and_others_once_through_the_api_and_the_page_count_once_each(collecting):
    """One person's burst (three plain API requests, three with one Idempotency-Key, two presses of the
    page's button) races five others' single requests: everyone counted once, the threshold reached
    once."""
    kind, petition, people = collecting
    api, page = _paths(kind, petition)
    eager, others = people[0], people[1:]
    keyed = api_post(eager, api, key="sign-once")
    burst = (
        [api_post(eager, api) for _ in range(3)] + [keyed] * 3 + [page_post(eager, page) for _ in range(2)]
    )
    singles = [api_post(p, api) for p in others[:3]] + [page_post(p, page) for p in others[3:]]

    answers, errors = race(burst + singles)

    assert not errors, unexpected(errors)
    assert not server_errors(answers), statuses(answers)
    mine, theirs = answers[: len(burst)], answers[len(burst) :]
    # The API: 201 for the one that counted, 200 (the first endorsement) for a repeat, 409 for a keyed
    # request whose twin still runs; the page: back to the petition (302), counted or told it was.
    assert set(statuses(mine[:6])) <= {200, 201, 409} and statuses(mine[6:]) == [302, 302], statuses(mine)
    assert sum(a.status == 201 and not a.replayed for a in mine) <= 1, statuses(mine)
    assert statuses(theirs) == [201] * 3 + [302] * (len(others) - 3)
    rows = kind.endorsement_model.objects.filter(petition=petition)
    assert {a.body["receipt"] for a in mine if a.status in (200, 201)} == {rows.get(user=eager).receipt}
    assert IdempotencyRecord.objects.get(key="sign-once").completed
    petition.refresh_from_db()
    assert petition.endorsements_count == rows.count() == PEOPLE > THRESHOLD
    assert sorted(rows.values_list("user", flat=True)) == sorted(p.pk for p in people)
    assert petition.status == "threshold_reached" and petition.threshold_reached_at is not None
    # The threshold was reached once: each who hears of it heard once, those who answer among them.
    told = list(
        Notification.objects.filter(kind=f"{kind.name}.threshold_reached").values_list(
            "recipient__username", flat=True
        )
    )
    assert len(told) == len(set(told)) and {"author", "cityadmin"} <= set(told), told
    entries = LedgerEntry.objects.filter(chain=chain_name(petition))
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, PEOPLE + 1))
    assert chain_break(chain_name(petition)) is None


@pytest.mark.parametrize("collecting", ["initiative"], indirect=True)
def test_supports_racing_the_archiving_tick_at_the_window_end_either_reach_the_threshold_or_are_refused(
    collecting,
):
    """Two supports are in; three more arrive in the last second of the window while the tick archives
    it: either a support reaches the threshold first (and the tick leaves it), or the tick archives it
    first (and every later support is refused) - never both, each told once."""
    kind, initiative, people = collecting
    ends = timezone.now() + timedelta(days=1)
    Initiative.objects.filter(pk=initiative.pk).update(support_ends_at=ends)
    initiative.refresh_from_db()
    for person in people[: THRESHOLD - 1]:
        initiative_support(user=person, initiative=initiative, now=ends - timedelta(hours=1))
    last_second = ends - timedelta(seconds=1)
    calls = [
        partial(initiative_support, user=p, initiative=initiative, now=last_second)
        for p in people[THRESHOLD - 1 : THRESHOLD + 2]
    ]
    calls.append(partial(initiatives_archive_expired, now=ends))

    results, errors = race(calls)

    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    assert {getattr(e, "code", None) for e in errors} <= {"not_collecting"}
    initiative.refresh_from_db()
    rows = InitiativeSupport.objects.filter(petition=initiative)
    assert initiative.endorsements_count == rows.count() == THRESHOLD - 1 + len(results) - 1
    archived = Notification.objects.filter(kind="initiative.archived").values_list("recipient", flat=True)
    reached = Notification.objects.filter(kind="initiative.threshold_reached").values_list(
        "recipient", flat=True
    )
    assert len(archived) == len(set(archived)) and len(reached) == len(set(reached))
    if initiative.status == Status.ARCHIVED:
        assert results[-1] == 1 and not reached and archived
        assert initiative.endorsements_count < THRESHOLD
    else:
        assert initiative.status == Status.THRESHOLD_REACHED
        assert results[-1] == 0 and not archived and reached and not errors
