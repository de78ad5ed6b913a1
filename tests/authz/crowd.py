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
        **wisdom_routes(case, every),
    }


# CrowdWisdom (discussion and assessment). The running project is in its ideas stage: commenting is
# open, rating is not. Its organisers (the roads official, municipal and platform admins) manage the
# criteria and experts; the world's author is its one expert, so nobody of the roles scores.
LOGIN = "login"
STAFF = (LOGIN, 404, 404, 404, 200, 200, 404, 200)
STAFF_POST = (LOGIN, 404, 404, 404, 302, 302, 404, 302)


def _count(model: Any, **where: Any) -> Any:
    return lambda w: model.objects.filter(**{k: v(w) if callable(v) else v for k, v in where.items()}).count()


def wisdom_routes(case: type[Case], every: Any) -> dict[str, Case]:
    from veche.comments.models import Comment, CommentReaction
    from veche.crowdprojects.models import Criterion, IdeaRating, ProjectExpert

    signed_in_302 = (LOGIN,) + (302,) * 7
    assessment = "/m/{slug}/projects/{project}/assessment/"
    return {
        "crowdprojects:idea_comment": case(
            "/m/{slug}/projects/{project}/ideas/{idea}/comments/",
            signed_in_302,
            "POST",
            data={"body": "A bench here, please", "stance": "for"},
            state=_count(Comment, stance="for"),
        ),
        "crowdprojects:idea_rate": case(
            "/m/{slug}/projects/{project}/ideas/{idea}/rating/",
            (LOGIN,) + (403,) * 7,
            "POST",
            data={"stars": "5"},
            state=_count(IdeaRating),
        ),
        "crowdprojects:assessment": case(assessment, every(200)),
        "crowdprojects:assessment#other-municipality": case(
            "/m/{slug}/projects/{other_project}/assessment/", every(404)
        ),
        "crowdprojects:assessment_manage": case(f"{assessment}manage/", STAFF),
        "crowdprojects:criterion_add": case(
            f"{assessment}criteria/",
            STAFF_POST,
            "POST",
            data={"name": "Benefit", "weight": "2"},
            state=_count(Criterion),
        ),
        "crowdprojects:criterion_remove": case(
            assessment + "criteria/{criterion}/remove/", STAFF_POST, "POST", state=_count(Criterion)
        ),
        "crowdprojects:expert_invite": case(
            f"{assessment}experts/",
            STAFF_POST,
            "POST",
            data={"account": "crowd-expert-2", "public_name": "Dr. Petrov", "affiliation": ""},
            state=_count(ProjectExpert),
        ),
        "crowdprojects:expert_remove": case(
            assessment + "experts/{expert}/remove/", STAFF_POST, "POST", state=_count(ProjectExpert)
        ),
        "crowdprojects:assessment_score": case(f"{assessment}score/", (LOGIN,) + (404,) * 7),
        "comments:react": case(
            "/m/{slug}/comments/{comment}/react/",
            signed_in_302,
            "POST",
            data={"kind": "useful"},
            state=_count(CommentReaction),
        ),
        "api:idea_rating": case(
            "/api/v1/ideas/{idea}/rating",
            (401,) + (403,) * 7,
            "PUT",
            api=True,
            data={"stars": 4},
            state=_count(IdeaRating),
        ),
        "api:idea_arguments": case("/api/v1/ideas/{idea}/arguments", every(200), api=True),
        "api:project_assessment": case("/api/v1/projects/{project}/assessment", every(200), api=True),
        "api:project_assessment#draft": case(
            "/api/v1/projects/{draft_project}/assessment",
            (404, 404, 404, 404, 200, 200, 404, 200),
            api=True,
        ),
        "api:comment_mark": case(
            "/api/v1/municipalities/{slug}/comments/{comment}/marks",
            (401,) + (200,) * 7,
            "POST",
            api=True,
            data={"kind": "agree"},
            state=_count(CommentReaction),
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
    from veche.crowdprojects.services.assessment import criterion_add, expert_invite

    criterion = criterion_add(actor=municipal_admin, project=running, name="Cost")
    expert = expert_invite(actor=municipal_admin, project=running, user=author, public_name="Dr. Ivanova")
    User.objects.create_user("crowd-expert-2", "expert2@example.org", "x")
    return {
        "criterion": criterion.pk,
        "expert": expert.pk,
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "idea": idea.pk,
    }
