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
from veche.comments.models import Comment
from veche.crowdprojects.models import Idea, Project
from veche.crowdprojects.services.projects import project_create, project_publish
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
        **idea_routes(case, every),
    }


def _idea(w: Any, name: str = "idea") -> Idea:
    return Idea.objects.get(pk=w.values[name])


def idea_routes(case: type[Case], every: Any) -> dict[str, Case]:
    """The ideas of the running project (its ideas stage open): anyone signed in proposes, supports and
    comments; moderators and those who run the project merge; only the author edits."""
    login = "login"
    signed_in = (login,) + (302,) * 7
    api_signed_in = (401,) + (201,) * 7
    # Moderators, the roads official (who runs the project), municipal and platform admins.
    mergers = (login, 404, 404, 302, 302, 302, 404, 302)
    nobody = (login,) + (404,) * 7
    one = "/m/{slug}/projects/{project}/ideas/{idea}"
    new_idea = {"title": "Matrix playground", "body": "Swings and slides for the children."}
    return {
        "crowdprojects:idea_new": case("/m/{slug}/projects/{project}/ideas/new/", (login,) + (200,) * 7),
        "crowdprojects:idea_new#post": case(
            "/m/{slug}/projects/{project}/ideas/new/",
            signed_in,
            "POST",
            data=new_idea,
            state=lambda w: Idea.objects.count(),
        ),
        "crowdprojects:idea_new#other-municipality": case(
            "/m/{slug}/projects/{other_project}/ideas/new/",
            nobody,
            "POST",
            data=new_idea,
            state=lambda w: Idea.objects.count(),
        ),
        "crowdprojects:idea_similar": case(
            "/m/{slug}/projects/{project}/ideas/similar/?text=fountain", every(200)
        ),
        "crowdprojects:idea_edit": case(f"{one}/edit/", nobody),
        "crowdprojects:idea_edit#post": case(
            f"{one}/edit/", nobody, "POST", data=new_idea, state=lambda w: _idea(w).title
        ),
        "crowdprojects:idea_support": case(
            f"{one}/support/", signed_in, "POST", state=lambda w: _idea(w).endorsements_count
        ),
        "crowdprojects:idea_support#other-project": case(
            "/m/{slug}/projects/{draft_project}/ideas/{idea}/support/",
            nobody,
            "POST",
            state=lambda w: _idea(w).endorsements_count,
        ),
        "crowdprojects:idea_merge": case(
            f"{one}/merge/",
            mergers,
            "POST",
            data={"target": "{merge_target}", "reason": "The same"},
            state=lambda w: _idea(w).status,
        ),
        "crowdprojects:idea_comment": case(
            f"{one}/comments/",
            signed_in,
            "POST",
            data={"body": "Agreed"},
            state=lambda w: Comment.objects.count(),
        ),
        "api:idea_list": case("/api/v1/projects/{project}/ideas", every(200), api=True),
        "api:idea_list#draft": case(
            "/api/v1/projects/{draft_project}/ideas", (404, 404, 404, 404, 200, 200, 404, 200), api=True
        ),
        "api:idea_similar": case(
            "/api/v1/projects/{project}/ideas/similar?text=fountain", every(200), api=True
        ),
        "api:idea_post": case(
            "/api/v1/projects/{project}/ideas",
            api_signed_in,
            "POST",
            api=True,
            data=new_idea,
            state=lambda w: Idea.objects.count(),
        ),
        "api:idea_support": case(
            "/api/v1/ideas/{idea}/supports",
            api_signed_in,
            "POST",
            api=True,
            state=lambda w: _idea(w).endorsements_count,
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
    merge_target = Idea.objects.create(
        municipality=municipality,
        project=running,
        author=author,
        title="A pond",
        body="Clean the pond",
        created_at=timezone.now(),
    )
    return {
        "merge_target": merge_target.pk,
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "idea": idea.pk,
    }
