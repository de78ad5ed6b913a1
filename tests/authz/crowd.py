"""The crowd projects' rows of the authorization matrix (`test_matrix.ROUTES`) and their world.

Kept apart so that each part of a project adds its routes here. The world has a running project of
the roads department in the municipality (its ideas stage open now), a draft project, and a project
of another municipality. The official of the fixtures works in the roads department, so they run
the running project; municipal and platform admins run every project.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, Project
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.municipalities.models import Municipality
from veche.notifications.models import Follow

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
        "crowdprojects:follow": case(
            "/m/{slug}/projects/{project}/follow/",
            signed_in(302),
            "POST",
            data={"follow": "1"},
            state=lambda w: _follows(w, "project"),
        ),
        "crowdprojects:follow#draft": case(
            "/m/{slug}/projects/{draft_project}/follow/",
            (LOGIN, 404, 404, 404, 302, 302, 404, 302),
            "POST",
            data={"follow": "1"},
            state=lambda w: _follows(w, "draft_project"),
        ),
        # Staff pages: officials of the roads department run its projects (not the administration's);
        # municipal and platform admins run every project and alone set projects up.
        "crowdprojects_staff:list": case("/m/{slug}/staff/projects/", RUN),
        "crowdprojects_staff:create": case("/m/{slug}/staff/projects/new/", SET_UP),
        "crowdprojects_staff:create#post": case(
            "/m/{slug}/staff/projects/new/",
            SET_UP_POST,
            "POST",
            data=PROJECT_FORM,
            state=lambda w: Project.objects.count(),
        ),
        "crowdprojects_staff:project": case("/m/{slug}/staff/projects/{project}/", RUN),
        "crowdprojects_staff:project#draft": case("/m/{slug}/staff/projects/{draft_project}/", RUN),
        "crowdprojects_staff:project#administration": case(
            "/m/{slug}/staff/projects/{admin_project}/", SET_UP
        ),
        "crowdprojects_staff:project#other-municipality": case(
            "/m/{slug}/staff/projects/{other_project}/", signed_in(404)
        ),
        "crowdprojects_staff:edit": case("/m/{slug}/staff/projects/{draft_project}/edit/", SET_UP),
        "crowdprojects_staff:edit#post": case(
            "/m/{slug}/staff/projects/{draft_project}/edit/",
            SET_UP_POST,
            "POST",
            data={**PROJECT_FORM, "title": "Renamed"},
            state=lambda w: _project(w, "draft_project").title,
        ),
        "crowdprojects_staff:edit#other-municipality": case(
            "/m/{slug}/staff/projects/{other_project}/edit/", signed_in(404)
        ),
        "crowdprojects_staff:stages": case("/m/{slug}/staff/projects/{draft_project}/stages/", SET_UP),
        "crowdprojects_staff:stages#post": case(
            "/m/{slug}/staff/projects/{draft_project}/stages/",
            SET_UP_POST,
            "POST",
            data=ONE_STAGE,
            state=lambda w: _project(w, "draft_project").stages.count(),
        ),
        "crowdprojects_staff:publish": case(
            "/m/{slug}/staff/projects/{draft_project}/publish/",
            SET_UP_POST,
            "POST",
            state=lambda w: _project(w, "draft_project").published_at,
        ),
        "crowdprojects_staff:publish#other-municipality": case(
            "/m/{slug}/staff/projects/{other_project}/publish/",
            signed_in(404),
            "POST",
            state=lambda w: _project(w, "other_project").published_at,
        ),
        "crowdprojects_staff:dashboard": case("/m/{slug}/staff/projects/{project}/dashboard/", RUN),
        "crowdprojects_staff:dashboard#csv": case(
            "/m/{slug}/staff/projects/{project}/dashboard/?format=csv&table=days", RUN
        ),
        "crowdprojects_staff:dashboard#administration": case(
            "/m/{slug}/staff/projects/{admin_project}/dashboard/", SET_UP
        ),
        "crowdprojects_staff:dashboard#other-municipality": case(
            "/m/{slug}/staff/projects/{other_project}/dashboard/", signed_in(404)
        ),
    }


LOGIN = "login"
RUN = (LOGIN, 404, 404, 404, 200, 200, 404, 200)  # officials of the organiser, municipal and platform admins
SET_UP = (LOGIN, 404, 404, 404, 404, 200, 404, 200)  # municipal and platform admins
SET_UP_POST = (LOGIN, 404, 404, 404, 404, 302, 404, 302)
PROJECT_FORM = {
    "title": "A new question",
    "description": "What should the city do?",
    "department": "",
    "tier": "1",
    "voting_method": "approval",
    "approval_limit": "3",
    "template": "full",
    "starts_at": "2031-03-01T09:00",
}
ONE_STAGE = {
    "stages-TOTAL_FORMS": "1",
    "stages-INITIAL_FORMS": "0",
    "stages-MIN_NUM_FORMS": "0",
    "stages-MAX_NUM_FORMS": "20",
    "stages-0-kind": "ideas",
    "stages-0-title": "",
    "stages-0-starts_at": "2031-01-01T09:00",
    "stages-0-ends_at": "2031-02-01T09:00",
    "stages-0-description": "",
}


def signed_in(status: Any) -> tuple[Any, ...]:
    return (LOGIN,) + (status,) * 7


def _project(w: Any, name: str) -> Project:
    return Project.objects.get(pk=w.values[name])


def _follows(w: Any, name: str) -> int:
    return Follow.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=w.values[name]
    ).count()


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
    # Organised by the administration itself: the roads department's officials do not run it.
    administration = project_create(
        actor=municipal_admin,
        municipality=municipality,
        title="The administration's",
        description="What should the city do?",
        template="full",
        starts_at=start,
    )
    idea = Idea.objects.create(
        municipality=municipality,
        project=running,
        author=author,
        title="A fountain",
        body="A fountain by the pond",
        created_at=timezone.now(),
    )
    return {
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "admin_project": administration.pk,
        "idea": idea.pk,
    }
