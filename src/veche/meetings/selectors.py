"""Reads of meetings that pages and the API share."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from veche.access.roles import Person, is_signed_in
from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import Idea, IdeaStatus, Project
from veche.meetings.models import Meeting, MeetingIdea, Registration, RegistrationStatus

# The ideas a meeting may show and its minutes may name: neither hidden by moderation nor merged into
# another idea (whose page the merged one's link leads to anyway). `minutes_publish` refuses the rest.
SHOWN_IDEAS = Q(hidden_at__isnull=True) & ~Q(status=IdeaStatus.MERGED)


def ideas_of(meeting: Meeting) -> list[Idea]:
    """The meeting's ideas that may be shown, in the order they were made: one query."""
    produced = MeetingIdea.objects.filter(meeting=meeting).values("idea_id")
    return list(
        Idea.objects.filter(SHOWN_IDEAS, pk__in=produced)
        .select_related("project", "municipality")
        .order_by("pk")
    )


def meetings_of(project: Project) -> QuerySet[Meeting]:
    """The project's meetings, soonest first, with what their rows show (their ideas that may be
    shown): two queries however many."""
    ideas = Idea.objects.filter(SHOWN_IDEAS).select_related("project", "municipality").order_by("pk")
    return (
        Meeting.objects.filter(project=project)
        .select_related("project", "project__municipality", "stage")
        .prefetch_related(Prefetch("ideas", queryset=ideas))
        .order_by("starts_at", "pk")
    )


def upcoming_and_past(project: Project, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """The meetings still to end (soonest first) and those that ended (latest first)."""
    meetings = list(meetings_of(project))
    upcoming = [m for m in meetings if not m.has_ended(now)]
    past = [m for m in reversed(meetings) if m.has_ended(now)]
    return upcoming, past


def next_meetings(project: Project, now: datetime, *, limit: int = 3) -> list[Meeting]:
    """The next meetings not cancelled, for the project page's section."""
    return list(
        Meeting.objects.filter(project=project, ends_at__gt=now, cancelled_at__isnull=True)
        .select_related("project", "project__municipality")
        .order_by("starts_at", "pk")[:limit]
    )


def registration_of(*, meeting: Meeting, user: Person) -> Registration | None:
    """`user`'s registration that stands (confirmed or waiting), if any."""
    if not is_signed_in(user):
        return None
    return Registration.objects.filter(
        meeting=meeting, user=user, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    ).first()


def my_registrations(*, user: Person, meetings: Iterable[Meeting]) -> dict[int, Registration]:
    """`user`'s standing registrations for `meetings`, by meeting id: one query."""
    if not is_signed_in(user):
        return {}
    rows = Registration.objects.filter(
        meeting__in=list(meetings),
        user=user,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
    )
    return {row.meeting_id: row for row in rows}


def links_for(*, user: Person, project: Project, meetings: Iterable[Meeting]) -> set[int]:
    """The ids of `meetings` whose online link `user` may see (`access.can_see_link` for many)."""
    online = [m for m in meetings if m.has_link and m.online_url]
    if not online:
        return set()
    if can_run(user, project):
        return {m.pk for m in online}
    return {
        pk
        for pk, row in my_registrations(user=user, meetings=online).items()
        if row.status == RegistrationStatus.CONFIRMED
    }


def registrants(meeting: Meeting) -> QuerySet[Registration]:
    """The organisers' list: confirmed first, then the waiting list in order."""
    return (
        Registration.objects.filter(
            meeting=meeting, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
        )
        .select_related("user")
        .order_by("-status", "position", "created_at", "pk")
    )
