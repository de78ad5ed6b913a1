"""Registrations for a meeting sent at the same moment, each in its own thread and connection: the
places, the waiting list and the counters stay exact."""

from functools import partial

import pytest

from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.meetings.models import Meeting, Registration, RegistrationStatus
from veche.meetings.services import registration_cancel, registration_make
from veche.meetings.tests.helpers import announce, running_project

THREADS = 20
SEATS = 5


@pytest.fixture
def meeting(transactional_db, municipality, municipal_admin):
    project = running_project(municipal_admin, municipality)
    return announce(municipal_admin, project, capacity=SEATS)


def _state(meeting):
    meeting.refresh_from_db()
    rows = Registration.objects.filter(meeting=meeting)
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    positions = sorted(rows.filter(status=RegistrationStatus.WAITING).values_list("position", flat=True))
    return meeting, confirmed, positions


def test_twenty_people_for_five_places(meeting, make_user):
    people = [make_user(f"p{i}") for i in range(THREADS)]

    results, errors = race([partial(registration_make, user=p, meeting=meeting) for p in people])

    assert not errors, unexpected(errors)
    assert all(r.created for r in results)
    meeting, confirmed, positions = _state(meeting)
    assert confirmed == SEATS and positions == list(range(1, THREADS - SEATS + 1))
    assert (meeting.registered_count, meeting.waiting_count) == (SEATS, THREADS - SEATS)


def test_one_person_pressing_eight_times_registers_once(meeting, make_user):
    person = make_user("eager")

    results, errors = race([partial(registration_make, user=person, meeting=meeting) for _ in range(8)])

    assert not errors, unexpected(errors)
    assert sum(r.created for r in results) == 1
    assert len({r.registration.pk for r in results}) == 1
    meeting, confirmed, positions = _state(meeting)
    assert (confirmed, positions, meeting.registered_count) == (1, [], 1)


def test_cancellations_racing_registrations(meeting, make_user):
    seated = [make_user(f"seated{i}") for i in range(SEATS)]
    queued = [make_user(f"queued{i}") for i in range(3)]
    for person in seated + queued:
        registration_make(user=person, meeting=meeting)
    newcomers = [make_user(f"new{i}") for i in range(6)]

    calls = [partial(registration_cancel, user=p, meeting=meeting) for p in seated[:3]]
    calls += [partial(registration_make, user=p, meeting=meeting) for p in newcomers]
    results, errors = race(calls)

    assert not errors, unexpected(errors, (Conflict,))
    meeting, confirmed, positions = _state(meeting)
    active = Registration.objects.filter(meeting=meeting).exclude(status=RegistrationStatus.CANCELLED).count()
    # 5 seated + 3 queued + 6 new - 3 gone: 11 people, 5 with a place, 6 in line without a gap.
    assert active == 11 and confirmed == SEATS and positions == list(range(1, 7))
    assert (meeting.registered_count, meeting.waiting_count) == (SEATS, 6)
    # The three who queued first got the three freed places, whatever the order of the race.
    assert set(Registration.objects.filter(user__in=queued).values_list("status", flat=True)) == {
        RegistrationStatus.CONFIRMED
    }
    assert Meeting.objects.get(pk=meeting.pk).seats_left == 0
