"""The crowd projects' rows of the authorization matrix (`test_matrix.ROUTES`) and their world.

Kept apart so that each part of a project adds its routes here. The world has a running project of
the roads department in the municipality (its ideas stage open now), a project of the roads
department in its voting stage for verified residents (with one idea), a draft project, and a
project of another municipality. The official of the fixtures works in the roads department, so they run
the running project; municipal and platform admins run every project.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import CrowdBallot, Idea, Project, ProjectTier, StageKind
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.municipalities.models import Municipality

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case


def crowd_routes(case: type[Case], every: Any) -> dict[str, Case]:
    # The draft is the roads department's: its official sees it, as do those who set projects up.
    draft_seen = (404, 404, 404, 404, 200, 200, 404, 200)
    # Results before the voting stage ends: the project's organisers (the official of roads, admins).
    organisers = (403, 403, 403, 403, 200, 200, 403, 200)
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
        # Voting: the voting project (its voting stage open now) is for verified residents, and
        # its results are the organisers' until the stage ends. Only the verified resident votes.
        "crowdprojects:vote": case("/m/{slug}/projects/{voting_project}/vote/", every(200)),
        "crowdprojects:vote#post": case(
            "/m/{slug}/projects/{voting_project}/vote/",
            ("login", 403, 200, 403, 403, 403, 403, 403),  # "login": test_matrix.LOGIN
            "POST",
            data={"ideas": "{voting_idea}"},
            state=lambda w: CrowdBallot.objects.count(),
        ),
        "crowdprojects:vote#draft": case(
            "/m/{slug}/projects/{draft_project}/vote/",
            ("login", 404, 404, 404, 409, 409, 404, 409),
            "POST",
            data={"ideas": "{voting_idea}"},
            state=lambda w: CrowdBallot.objects.count(),
        ),
        "crowdprojects:vote#other-municipality": case("/m/{slug}/projects/{other_project}/vote/", every(404)),
        "crowdprojects:results": case("/m/{slug}/projects/{voting_project}/results/", organisers),
        "crowdprojects:results#draft": case("/m/{slug}/projects/{draft_project}/results/", draft_seen),
        "api:crowd_ballot_cast": case(
            "/api/v1/projects/{voting_project}/ballots",
            (401, 403, 201, 403, 403, 403, 403, 403),
            "POST",
            api=True,
            data={"ideas": ["{voting_idea}"]},
            state=lambda w: CrowdBallot.objects.count(),
        ),
        "api:crowd_ballot_cast#draft": case(
            "/api/v1/projects/{draft_project}/ballots",
            (401, 404, 404, 404, 409, 409, 404, 409),
            "POST",
            api=True,
            data={"ideas": ["{voting_idea}"]},
            state=lambda w: CrowdBallot.objects.count(),
        ),
        "api:crowd_ballot_mine": case(
            "/api/v1/projects/{voting_project}/ballot", (401,) + (404,) * 7, api=True
        ),
        "api:crowd_results": case("/api/v1/projects/{voting_project}/results", organisers, api=True),
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
    voting = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.VOTING,
        title="Choose the park's ideas",
        department=roads,
        tier=ProjectTier.VERIFIED,
    )
    voting_idea = Idea.objects.create(
        municipality=municipality,
        project=voting,
        author=author,
        title="Benches",
        body="Benches along the river",
        created_at=timezone.now(),
    )
    return {
        "voting_project": voting.pk,
        "voting_idea": voting_idea.pk,
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "idea": idea.pk,
    }
