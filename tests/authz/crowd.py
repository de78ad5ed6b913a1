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
from veche.funding.models import Campaign, Pledge
from veche.funding.services import campaigns_settle, pledge_make
from veche.funding.tests.helpers import cofinanced_project, open_campaign, past_deadline, taken_up_idea
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of

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
        **_funding_routes(case, every),
    }


# Co-financing: a project of the roads department in its co-financing stage; its campaign takes
# pledges from anyone registered; those who run the project open and cancel campaigns; municipal and
# platform admins ("confirm_pledges") mark the pledges of a campaign that reached its target paid.
FUNDING_RUNS = ("login", 404, 404, 404, 302, 302, 404, 302)
TREASURY = ("login", 404, 404, 404, 404, 200, 404, 200)


def _pledges() -> int:
    return Pledge.objects.count()


def _funding_routes(case: type[Case], every: Any) -> dict[str, Case]:
    login = "login"
    signed_in_404 = (login,) + (404,) * 7
    return {
        "funding:campaign": case("/m/{slug}/funding/{campaign}/", every(200)),
        "funding:campaign#other-municipality": case("/m/{other_slug}/funding/{campaign}/", every(404)),
        "funding:report": case("/m/{slug}/funding/{campaign}/report/", every(200)),
        "funding:pledge": case(
            "/m/{slug}/funding/{campaign}/pledge/",
            (login, 302, 302, 302, 302, 302, 302, 302),
            "POST",
            data={"amount": "500"},
            state=lambda w: _pledges(),
        ),
        "funding:pledge#settled": case(
            "/m/{slug}/funding/{settled_campaign}/pledge/",
            (login, 409, 409, 409, 409, 409, 409, 409),
            "POST",
            data={"amount": "500"},
            state=lambda w: _pledges(),
        ),
        "funding:withdraw": case(
            "/m/{slug}/funding/{campaign}/pledges/{authors_pledge}/withdraw/",
            signed_in_404,
            "POST",
            state=lambda w: Pledge.objects.get(pk=w.values["authors_pledge"]).status,
        ),
        "funding:cancel": case(
            "/m/{slug}/funding/{campaign}/cancel/",
            FUNDING_RUNS,
            "POST",
            state=lambda w: Campaign.objects.get(pk=w.values["campaign"]).status,
        ),
        "funding:new": case(
            "/m/{slug}/funding/new/{cofinanced_project}/{settled_idea}/",
            tuple(200 if s == 302 else s for s in FUNDING_RUNS),
        ),
        "funding:new#post": case(
            "/m/{slug}/funding/new/{cofinanced_project}/{settled_idea}/",
            FUNDING_RUNS,
            "POST",
            data={"target_amount": "20000", "deadline": "{funding_deadline}"},
            state=lambda w: Campaign.objects.count(),
        ),
        "funding:new#other-project": case("/m/{slug}/funding/new/{project}/{settled_idea}/", signed_in_404),
        "funding:treasury": case("/m/{slug}/funding/treasury/", TREASURY),
        "funding:confirm": case("/m/{slug}/funding/treasury/{settled_pledge}/", TREASURY),
        "funding:confirm#post": case(
            "/m/{slug}/funding/treasury/{settled_pledge}/",
            ("login", 404, 404, 404, 404, 302, 404, 302),
            "POST",
            data={"reference": "Statement 1207"},
            state=lambda w: Pledge.objects.get(pk=w.values["settled_pledge"]).status,
        ),
        "api:campaign_detail": case("/api/v1/campaigns/{campaign}", every(200), api=True),
        "api:project_campaigns": case(
            "/api/v1/projects/{cofinanced_project}/campaigns", every(200), api=True
        ),
        "api:project_campaigns#draft": case(
            "/api/v1/projects/{draft_project}/campaigns", (404, 404, 404, 404, 200, 200, 404, 200), api=True
        ),
        "api:pledge_create": case(
            "/api/v1/campaigns/{campaign}/pledges",
            (401, 201, 201, 201, 201, 201, 201, 201),
            "POST",
            api=True,
            data={"amount": 500},
            state=lambda w: _pledges(),
        ),
        "api:pledge_create#settled": case(
            "/api/v1/campaigns/{settled_campaign}/pledges",
            (401, 409, 409, 409, 409, 409, 409, 409),
            "POST",
            api=True,
            data={"amount": 500},
            state=lambda w: _pledges(),
        ),
    }


def _funding_world(*, municipality: Municipality, municipal_admin: User, author: User) -> dict[str, Any]:
    """A project in its co-financing stage with two taken-up ideas: one with an open campaign (the
    author has pledged to it), one whose campaign reached its target and was settled."""
    roads = municipality.departments.get(name_en="Roads")
    project = cofinanced_project(actor=municipal_admin, municipality=municipality, department=roads)
    idea = taken_up_idea(project=project, author=author)
    campaign = open_campaign(actor=municipal_admin, idea=idea, target=100_000)
    authors = pledge_make(user=author, campaign=campaign, amount=1_000)
    settled_idea = taken_up_idea(project=project, author=author, title="Benches")
    settled = open_campaign(actor=municipal_admin, idea=settled_idea, target=5_000)
    paid = pledge_make(user=author, campaign=settled, amount=5_000)
    campaigns_settle(now=past_deadline(settled).deadline + timedelta(seconds=1))
    deadline = timezone.localtime(timezone.now() + timedelta(days=5), zone_of(municipality))
    return {
        "cofinanced_project": project.pk,
        "campaign": campaign.pk,
        "authors_pledge": authors.pk,
        "settled_idea": settled_idea.pk,
        "settled_campaign": settled.pk,
        "settled_pledge": paid.pk,
        "funding_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
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
    return {
        **_funding_world(municipality=municipality, municipal_admin=municipal_admin, author=author),
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "idea": idea.pk,
    }
