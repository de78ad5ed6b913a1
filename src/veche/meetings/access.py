"""Access to meetings: a meeting is seen with its project; the project's organisers run its meetings
(`crowdprojects.access.can_run`), and only they and the registered people see an online link."""

from typing import Any

from veche.access.functions import is_live, parse_pk
from veche.access.roles import Person, is_signed_in
from veche.core.errors import NotFound
from veche.crowdprojects.access import access_project, can_run, can_see_project
from veche.crowdprojects.models import Project
from veche.meetings.models import Meeting, Registration, RegistrationStatus
from veche.municipalities.models import Municipality


def can_see_meeting(user: Person, meeting: Meeting) -> bool:
    return can_see_project(user, meeting.project)


def access_meeting(user: Person, meeting_id: Any, *, project: Project | None = None) -> Meeting:
    """A meeting by the id a request names, of `project` when one is named, if this person may see its
    project; else NotFound."""
    meetings = Meeting.objects.select_related(
        "project", "project__municipality", "project__department", "stage"
    )
    if project is not None:
        meetings = meetings.filter(project=project)
    meeting = meetings.filter(pk=parse_pk(meeting_id)).first()
    if (
        meeting is None
        or not is_live(user, meeting.project.municipality)
        or not can_see_meeting(user, meeting)
    ):
        raise NotFound()
    return meeting


def access_meeting_to_run(user: Person, meeting_id: Any, *, project: Project) -> Meeting:
    meeting = access_meeting(user, meeting_id, project=project)
    if not can_run(user, meeting.project):
        raise NotFound()
    return meeting


def access_project_meetings(user: Person, project_id: Any, *, municipality: Municipality) -> Project:
    """The project whose meetings a page lists, as `access_project` gives it."""
    return access_project(user, project_id, municipality=municipality)


def can_see_link(user: Person, meeting: Meeting) -> bool:
    """The online link is for those with a confirmed place and for the organisers: a public link would
    make the number of places meaningless and invite strangers into a call of residents."""
    if not meeting.has_link or not meeting.online_url:
        return False
    if can_run(user, meeting.project):
        return True
    return is_signed_in(user) and (
        Registration.objects.filter(meeting=meeting, user=user, status=RegistrationStatus.CONFIRMED).exists()
    )
