"""Meetings through their services: places and the waiting list, promotion, cancelling, minutes, and
every refusal of bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.crowdprojects.models import Idea, IdeaStatus, ProjectTier, StageKind
from veche.crowdprojects.tests.helpers import stage_of
from veche.meetings.models import Kind, Meeting, MeetingIdea, Registration, RegistrationStatus
from veche.meetings.services import (
    meeting_cancel,
    meeting_update,
    minutes_publish,
    registration_cancel,
    registration_make,
)
from veche.meetings.tests.helpers import announce, held, meeting_fields, running_project
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return running_project(municipal_admin, municipality)


@pytest.fixture
def people(make_user):
    return [make_user(f"p{i}") for i in range(8)]


def _counts(meeting):
    meeting.refresh_from_db()
    return meeting.registered_count, meeting.waiting_count


def _queue(meeting):
    return list(
        Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING)
        .order_by("position")
        .values_list("user__username", "position")
    )


def test_places_then_the_waiting_list_in_order(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=2)

    made = [registration_make(user=p, meeting=meeting) for p in people[:5]]

    assert [r.registration.status for r in made] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
        "waiting",
    ]
    assert [r.registration.position for r in made] == [None, None, 1, 2, 3]
    assert all(r.created for r in made)
    assert _counts(meeting) == (2, 3)
    assert meeting.seats_left == 0


def test_a_repeat_returns_the_registration_that_stands(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=1)
    first = registration_make(user=people[0], meeting=meeting)

    again = registration_make(user=people[0], meeting=meeting)

    assert not again.created and again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1 and _counts(meeting) == (1, 0)


def test_unlimited_places_confirm_everyone(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=None)
    for person in people:
        registration_make(user=person, meeting=meeting)
    assert _counts(meeting) == (8, 0)


def test_a_freed_place_goes_to_the_first_in_line_who_is_told(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=2)
    for person in people[:5]:
        registration_make(user=person, meeting=meeting)

    registration_cancel(user=people[0], meeting=meeting)

    assert _counts(meeting) == (2, 2)
    assert Registration.objects.get(user=people[2]).status == RegistrationStatus.CONFIRMED
    assert _queue(meeting) == [("p3", 1), ("p4", 2)]
    assert Notification.objects.filter(recipient=people[2], kind="meeting.promoted").count() == 1
    assert Registration.objects.get(user=people[0]).status == RegistrationStatus.CANCELLED


def test_leaving_the_waiting_list_closes_the_gap(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=1)
    for person in people[:4]:
        registration_make(user=person, meeting=meeting)

    registration_cancel(user=people[2], meeting=meeting)

    assert _queue(meeting) == [("p1", 1), ("p3", 2)]
    assert _counts(meeting) == (1, 2)


def test_one_who_cancelled_registers_again_at_the_back(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=1)
    registration_make(user=people[0], meeting=meeting)
    registration_make(user=people[1], meeting=meeting)
    registration_cancel(user=people[0], meeting=meeting)

    again = registration_make(user=people[0], meeting=meeting)

    assert again.created and again.registration.status == RegistrationStatus.WAITING
    assert again.registration.position == 1
    assert Registration.objects.filter(user=people[0]).count() == 1


def test_cancelling_without_a_registration_is_refused(project, municipal_admin, people):
    meeting = announce(municipal_admin, project)
    with pytest.raises(Conflict) as refused:
        registration_cancel(user=people[0], meeting=meeting)
    assert refused.value.code == "not_registered"


def test_more_places_go_to_the_waiting_list_fewer_unseat_nobody(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=2)
    for person in people[:5]:
        registration_make(user=person, meeting=meeting)

    meeting = meeting_update(
        actor=municipal_admin, meeting=meeting, **meeting_fields(starts_at=meeting.starts_at, capacity=4)
    )
    assert _counts(meeting) == (4, 1) and _queue(meeting) == [("p4", 1)]

    meeting = meeting_update(
        actor=municipal_admin, meeting=meeting, **meeting_fields(starts_at=meeting.starts_at, capacity=1)
    )
    assert _counts(meeting) == (4, 1)
    assert registration_make(user=people[5], meeting=meeting).registration.position == 2


def test_registration_opens_and_closes(project, municipal_admin, people):
    now = timezone.now()
    meeting = announce(municipal_admin, project, registration_opens=now + timedelta(days=1))
    with pytest.raises(Conflict) as early:
        registration_make(user=people[0], meeting=meeting, now=now)
    assert early.value.code == "registration_not_open"
    assert registration_make(user=people[0], meeting=meeting, now=now + timedelta(days=1)).created
    with pytest.raises(Conflict) as late:
        registration_make(user=people[1], meeting=meeting, now=meeting.starts_at)
    assert late.value.code == "registration_closed"
    with pytest.raises(Conflict):
        registration_cancel(user=people[0], meeting=meeting, now=meeting.starts_at)


def test_registration_is_open_whatever_stage_runs(project, municipal_admin, people):
    """Meetings are announced ahead: registering does not wait for the meetings' own stage."""
    meeting = announce(municipal_admin, project, stage=stage_of(project, StageKind.VOTING))
    assert registration_make(user=people[0], meeting=meeting).created


def test_a_project_for_verified_residents_asks_for_verification(
    municipality, municipal_admin, people, resident_of, central, northern
):
    project = running_project(municipal_admin, municipality, tier=ProjectTier.VERIFIED, districts=[central])
    meeting = announce(municipal_admin, project)
    with pytest.raises(Forbidden):
        registration_make(user=people[0], meeting=meeting)
    with pytest.raises(Forbidden):
        registration_make(user=resident_of("north", northern), meeting=meeting)
    assert registration_make(user=resident_of("centre", central), meeting=meeting).created
    assert _counts(meeting) == (1, 0)


def test_a_cancelled_meeting_tells_everyone_and_takes_nobody(project, municipal_admin, people):
    meeting = announce(municipal_admin, project, capacity=1)
    registration_make(user=people[0], meeting=meeting)
    registration_make(user=people[1], meeting=meeting)

    meeting = meeting_cancel(actor=municipal_admin, meeting=meeting)

    assert meeting.cancelled_at is not None and meeting.sequence == 1
    told = set(
        Notification.objects.filter(kind="meeting.cancelled").values_list("recipient__username", flat=True)
    )
    assert told == {"p0", "p1"}
    with pytest.raises(Conflict):
        registration_make(user=people[2], meeting=meeting)
    with pytest.raises(Conflict):
        meeting_cancel(actor=municipal_admin, meeting=meeting)
    assert AuditEntry.objects.filter(action="meeting.cancel").count() == 1


def test_a_change_of_time_is_told_and_raises_the_sequence(project, municipal_admin, people):
    meeting = announce(municipal_admin, project)
    registration_make(user=people[0], meeting=meeting)

    same = meeting_update(
        actor=municipal_admin, meeting=meeting, **meeting_fields(starts_at=meeting.starts_at)
    )
    assert same.sequence == 0 and not Notification.objects.filter(kind="meeting.changed").exists()

    moved = meeting_update(
        actor=municipal_admin,
        meeting=meeting,
        **meeting_fields(starts_at=meeting.starts_at + timedelta(hours=1)),
    )
    assert moved.sequence == 1
    assert Notification.objects.filter(kind="meeting.changed", recipient=people[0]).count() == 1


def test_only_the_organisers_run_meetings(project, municipal_admin, official, people):
    with pytest.raises(NotFound):
        announce(people[0], project)
    with pytest.raises(NotFound):
        announce(official, project)  # the project has no organising department: the administration's
    meeting = announce(municipal_admin, project)
    with pytest.raises(NotFound):
        meeting_cancel(actor=people[0], meeting=meeting)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": timezone.now()}, "ends_at"),
        ({"kind": Kind.ONLINE, "online_url": "http://meet.example.org/park"}, "online_url"),
        ({"kind": Kind.ONLINE, "online_url": "javascript:alert(1)"}, "online_url"),
        ({"kind": Kind.HYBRID, "online_url": ""}, "online_url"),
        ({"latitude": 59.93, "longitude": 30.31}, "latitude"),
        ({"latitude": 55.75, "longitude": None}, "latitude"),
        ({"latitude": 95, "longitude": 37.61}, "latitude"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"address": ""}, "address"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"kind": "party"}, "kind"),
        ({"registration_opens": timezone.now() + timedelta(days=5)}, "registration_opens"),
    ],
)
def test_bad_input_is_refused_with_a_field_message(project, municipal_admin, overrides, field):
    with pytest.raises(DomainError) as refused:
        announce(municipal_admin, project, **overrides)
    assert field in refused.value.fields, refused.value.fields
    assert not Meeting.objects.exists()


def test_a_stage_of_another_project_is_refused(project, municipality, municipal_admin):
    other = running_project(municipal_admin, municipality, title="Another")
    with pytest.raises(DomainError) as refused:
        announce(municipal_admin, project, stage=stage_of(other, StageKind.IDEAS))
    assert "stage" in refused.value.fields


def test_an_online_meeting_keeps_no_address(project, municipal_admin):
    meeting = announce(municipal_admin, project, kind=Kind.ONLINE, online_url="https://meet.example.org/park")
    assert meeting.address == "" and meeting.latitude is None


def _idea(project, author, title="A fountain"):
    return Idea.objects.create(
        municipality=project.municipality,
        project=project,
        author=author,
        title=title,
        body="By the pond",
        created_at=timezone.now(),
    )


def test_minutes_only_after_the_meeting_with_ideas_of_its_project(
    project, municipality, municipal_admin, people
):
    meeting = announce(municipal_admin, project)
    idea = _idea(project, people[0])
    other_idea = _idea(running_project(municipal_admin, municipality, title="Another"), people[0])
    with pytest.raises(Conflict) as early:
        minutes_publish(actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[idea.pk])
    assert early.value.code == "not_ended"

    meeting = held(meeting)
    with pytest.raises(DomainError) as foreign:
        minutes_publish(actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[other_idea.pk])
    assert "ideas" in foreign.value.fields
    with pytest.raises(DomainError):
        minutes_publish(actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[2**40])
    with pytest.raises(DomainError) as empty:
        minutes_publish(actor=municipal_admin, meeting=meeting, minutes="  ", ideas=[])
    assert "minutes" in empty.value.fields
    assert not MeetingIdea.objects.exists()

    published = minutes_publish(
        actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[idea.pk, idea.pk]
    )

    assert published.minutes_published_at is not None
    assert list(published.ideas.values_list("pk", flat=True)) == [idea.pk]
    with pytest.raises(NotFound):
        minutes_publish(actor=people[0], meeting=meeting, minutes="Mine", ideas=[])


def test_registrations_count_among_the_projects_contributions(project, municipal_admin, people):
    from veche.crowdprojects.tallies import contributions

    meeting = announce(municipal_admin, project, capacity=1)
    for person in people[:3]:
        registration_make(user=person, meeting=meeting)
    registration_cancel(user=people[2], meeting=meeting)

    (part,) = [c for c in contributions() if c.key == "meeting_registrations"]
    rows = list(part.rows(project))
    assert sorted(row["user_id"] for row in rows) == sorted(p.pk for p in people[:2])
    assert all(row["created_at"] for row in rows)


def test_minutes_refuse_a_hidden_or_merged_idea(project, municipal_admin, people):
    meeting = held(announce(municipal_admin, project))
    kept, hidden, merged = (_idea(project, people[0], title) for title in ("Kept", "Hidden", "Merged"))
    Idea.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    Idea.objects.filter(pk=merged.pk).update(status=IdeaStatus.MERGED, merged_into=kept)
    for refused in (hidden, merged):
        with pytest.raises(DomainError) as error:
            minutes_publish(
                actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[kept.pk, refused.pk]
            )
        assert "ideas" in error.value.fields
    assert not MeetingIdea.objects.exists()

    published = minutes_publish(actor=municipal_admin, meeting=meeting, minutes="We met.", ideas=[kept.pk])

    assert list(published.ideas.values_list("pk", flat=True)) == [kept.pk]
