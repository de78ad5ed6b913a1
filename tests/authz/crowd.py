"""The crowd projects' rows of the authorization matrix (`test_matrix.ROUTES`) and their world.

Kept apart so that each part of a project adds its routes here. The world has a running project of
the roads department in the municipality (its ideas stage open now), a draft project, and a project
of another municipality. The official of the fixtures works in the roads department, so they run
the running project; municipal and platform admins run every project.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, Project
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.meetings.models import Kind, Meeting, Registration
from veche.meetings.services import meeting_create, registration_make
from veche.municipalities.models import Municipality

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case


def crowd_routes(case: type[Case], every: Any) -> dict[str, Case]:
    # The draft is the roads department's: its official sees it, as do those who set projects up.
    draft_seen = (404, 404, 404, 404, 200, 200, 404, 200)
    return {
        "crowdprojects:list": case("/m/{slug}/projects/", every(200)),
        "crowdprojects:detail": case("/m/{slug}/projects/{project}/", every(200)),
        "crowdprojects:detail#draft": case("/m/{slug}/projects/{draft_project}/", draft_seen),
        "crowdprojects:detail#other-municipality": case("/m/{slug}/projects/{other_project}/", every(404)),
        "crowdprojects:idea": case("/m/{slug}/projects/{project}/ideas/{idea}/", every(200)),
        "crowdprojects:idea#other-project": case(
            "/m/{slug}/projects/{draft_project}/ideas/{idea}/", every(404)
        ),
        "api:project_list": case("/api/v1/municipalities/{slug}/projects", every(200), api=True),
        "api:project_detail": case("/api/v1/projects/{project}", every(200), api=True),
        "api:project_detail#draft": case("/api/v1/projects/{draft_project}", draft_seen, api=True),
        **_meeting_routes(case, every, draft_seen),
    }


# Meetings: those who run the project (its roads official, the municipal and platform admins) announce
# and manage them; anyone signed in registers. The resident of the matrix holds a place already.
RUN = ("login", 404, 404, 404, 200, 200, 404, 200)
RUN_DONE = ("login", 404, 404, 404, 302, 302, 404, 302)
MEETING_FORM = {
    "title": "Another walk",
    "kind": "in_person",
    "address": "Lenin st, 1",
    "starts_at": "2030-06-01T18:00",
    "ends_at": "2030-06-01T20:00",
    "capacity": "10",
}


def _places() -> int:
    return Registration.objects.exclude(status="cancelled").count()


def _meeting(w: Any, name: str) -> Meeting:
    return Meeting.objects.get(pk=w.values[name])


def _meeting_routes(case: type[Case], every: Any, draft_seen: tuple[Any, ...]) -> dict[str, Case]:
    base = "/m/{slug}/projects/{project}/meetings/"
    signed = ("login",) + (302,) * 7
    only_resident = (False, True, False, False, False, False, False, False)
    return {
        "meetings:list": case(base, every(200)),
        "meetings:list#draft": case("/m/{slug}/projects/{draft_project}/meetings/", draft_seen),
        "meetings:list#other-municipality": case("/m/{slug}/projects/{other_project}/meetings/", every(404)),
        "meetings:calendar": case(base + "calendar.ics", every(200)),
        "meetings:detail": case(base + "{meeting}/", every(200)),
        "meetings:detail#other-project": case(
            "/m/{slug}/projects/{draft_project}/meetings/{meeting}/", every(404)
        ),
        "meetings:ics": case(base + "{meeting}/meeting.ics", every(200)),
        "meetings:register": case(
            base + "{meeting}/register/",
            signed,
            "POST",
            state=lambda w: _places(),
            changes=(False, False) + (True,) * 6,
        ),
        "meetings:unregister": case(
            base + "{meeting}/unregister/", signed, "POST", state=lambda w: _places(), changes=only_resident
        ),
        "meetings:create": case(base + "new/", RUN),
        "meetings:create#post": case(
            base + "new/", RUN_DONE, "POST", data=MEETING_FORM, state=lambda w: Meeting.objects.count()
        ),
        "meetings:edit": case(base + "{meeting}/edit/", RUN),
        "meetings:edit#post": case(
            base + "{meeting}/edit/",
            RUN_DONE,
            "POST",
            data=MEETING_FORM,
            state=lambda w: _meeting(w, "meeting").title,
        ),
        "meetings:cancel": case(
            base + "{meeting}/cancel/", RUN_DONE, "POST", state=lambda w: _meeting(w, "meeting").cancelled_at
        ),
        "meetings:registrations": case(base + "{meeting}/registrations/", RUN),
        "meetings:minutes": case(base + "{held_meeting}/minutes/", RUN),
        "meetings:minutes#post": case(
            base + "{held_meeting}/minutes/",
            RUN_DONE,
            "POST",
            data={"minutes": "We met.", "ideas": "{idea}"},
            state=lambda w: _meeting(w, "held_meeting").minutes_published_at,
        ),
        "api:project_meeting_list": case("/api/v1/projects/{project}/meetings", every(200), api=True),
        "api:project_meeting_list#draft": case(
            "/api/v1/projects/{draft_project}/meetings", draft_seen, api=True
        ),
        "api:meeting_detail": case("/api/v1/meetings/{meeting}", every(200), api=True),
        "api:meeting_registration_mine": case(
            "/api/v1/meetings/{meeting}/registrations/mine", (401, 200) + (404,) * 6, api=True
        ),
        "api:meeting_register": case(
            "/api/v1/meetings/{meeting}/registrations",
            (401, 200) + (201,) * 6,
            "POST",
            api=True,
            state=lambda w: _places(),
            changes=(False, False) + (True,) * 6,
        ),
        "api:meeting_unregister": case(
            "/api/v1/meetings/{meeting}/registrations/mine/cancel",
            (401, 200) + (409,) * 6,
            "POST",
            api=True,
            state=lambda w: _places(),
        ),
    }


def crowd_world(
    *,
    municipality: Municipality,
    other_municipality: Municipality,
    municipal_admin: User,
    other_admin: User,
    author: User,
) -> dict[str, Any]:
    start = timezone.now() - timedelta(days=1)
    roads = municipality.departments.get(name_en="Roads")

    def project(where: Municipality, actor: User, title: str, *, publish: bool) -> Project:
        made = project_create(
            actor=actor,
            municipality=where,
            title=title,
            description="What should the city do?",
            template="full",
            starts_at=start,
            department=roads if where == municipality else None,
        )
        return project_publish(actor=actor, project=made) if publish else made

    running = project(municipality, municipal_admin, "Rebuild the park", publish=True)
    draft = project(municipality, municipal_admin, "Not yet", publish=False)
    other = project(other_municipality, other_admin, "Elsewhere", publish=True)
    idea = Idea.objects.create(
        municipality=municipality,
        project=running,
        author=author,
        title="A fountain",
        body="A fountain by the pond",
        created_at=timezone.now(),
    )
    starts = timezone.now() + timedelta(days=3)
    where = {"stage": None, "description": "", "kind": Kind.IN_PERSON, "address": "Lenin st, 1"}
    place = {"latitude": None, "longitude": None, "online_url": "", "registration_opens": None}
    meeting = meeting_create(
        actor=municipal_admin,
        project=running,
        title="Park walk",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=10,
        **where,
        **place,
    )
    registration_make(user=User.objects.get(username="resident"), meeting=meeting)
    held = meeting_create(
        actor=municipal_admin,
        project=running,
        title="Held",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=None,
        **where,
        **place,
    )
    Meeting.objects.filter(pk=held.pk).update(starts_at=start - timedelta(days=1), ends_at=start)
    return {
        "meeting": meeting.pk,
        "held_meeting": held.pk,
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "idea": idea.pk,
    }
