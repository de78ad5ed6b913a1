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
from veche.comments.models import Comment
from veche.crowdprojects.models import (
    CrowdBallot,
    Decision,
    Idea,
    Milestone,
    MilestoneUpdate,
    MonitoringReport,
    Project,
    ProjectTier,
    ResultRating,
    Selection,
    StageKind,
)
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.selection_helpers import decide, idea_in, implementing
from veche.drafting.models import Amendment, AmendmentSupport, Document, Version
from veche.drafting.services import amendment_propose, document_create, document_publish, latest_version
from veche.funding.models import Campaign, Pledge
from veche.funding.services import campaigns_settle, pledge_make
from veche.funding.tests.helpers import cofinanced_project, open_campaign, past_deadline, taken_up_idea
from veche.meetings.models import Kind, Meeting, Registration
from veche.meetings.services import meeting_create, registration_make
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of
from veche.notifications.models import Follow

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case


def crowd_routes(case: type[Case], every: Any) -> dict[str, Case]:
    # The draft is the roads department's: its official sees it, as do those who set projects up.
    draft_seen = (404, 404, 404, 404, 200, 200, 404, 200)
    # Those who run the roads department's projects: its official, municipal and platform admins.
    runs = ("login", 404, 404, 404, 302, 302, 404, 302)
    runs_page = ("login", 404, 404, 404, 200, 200, 404, 200)
    taken_up = "/m/{slug}/projects/{implementing_project}/ideas/{taken_up_idea}/implementation/"
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
        # The selection and the implementation.
        "crowdprojects:selection": case("/m/{slug}/projects/{selecting_project}/selection/", runs_page),
        "crowdprojects:selection#published": case(
            "/m/{slug}/projects/{implementing_project}/selection/", runs_page
        ),
        "crowdprojects:selection_decide": case(
            "/m/{slug}/projects/{selecting_project}/selection/ideas/{selecting_idea}/",
            runs,
            "POST",
            data={
                "decision": "yes",
                "reason": "The park needs it this year.",
                "responsible": "Parks service",
                "planned_by": "2031-01-01",
            },
            state=lambda w: Decision.objects.get(idea_id=w.values["selecting_idea"]).selected,
        ),
        "crowdprojects:selection_decide#other-project": case(
            "/m/{slug}/projects/{selecting_project}/selection/ideas/{taken_up_idea}/",
            ("login", *every(404)[1:]),
            "POST",
            data={"decision": "no", "reason": "Not this year at all."},
            state=lambda w: Decision.objects.get(idea_id=w.values["taken_up_idea"]).selected,
        ),
        "crowdprojects:selection_publish": case(
            "/m/{slug}/projects/{selecting_project}/selection/publish/",
            runs,
            "POST",
            state=lambda w: Selection.objects.filter(project_id=w.values["selecting_project"]).exists(),
        ),
        "crowdprojects:report": case("/m/{slug}/projects/{implementing_project}/report/", every(200)),
        "crowdprojects:report#draft": case("/m/{slug}/projects/{draft_project}/report/", draft_seen),
        "crowdprojects:report_print": case(
            "/m/{slug}/projects/{implementing_project}/report/print/", every(200)
        ),
        "crowdprojects:implementation": case(taken_up, every(200)),
        "crowdprojects:implementation#other-project": case(
            "/m/{slug}/projects/{project}/ideas/{taken_up_idea}/implementation/", every(404)
        ),
        "crowdprojects:milestone_add": case(
            taken_up + "milestones/",
            runs,
            "POST",
            data={"title": "Benches", "due_on": "2031-01-01"},
            state=lambda w: Milestone.objects.count(),
        ),
        "crowdprojects:milestone_update": case(
            taken_up + "milestones/{crowd_milestone}/update/",
            runs,
            "POST",
            data={"text": "Half of the pipes are laid.", "progress": "50"},
            state=lambda w: MilestoneUpdate.objects.count(),
        ),
        "crowdprojects:milestone_complete": case(
            taken_up + "milestones/{crowd_milestone}/complete/",
            runs,
            "POST",
            state=lambda w: Milestone.objects.get(pk=w.values["crowd_milestone"]).done_at,
        ),
        "crowdprojects:milestone_complete#other-idea": case(
            "/m/{slug}/projects/{implementing_project}/ideas/{declined_idea}/implementation/milestones/"
            "{crowd_milestone}/complete/",
            ("login", *every(404)[1:]),
            "POST",
            state=lambda w: Milestone.objects.get(pk=w.values["crowd_milestone"]).done_at,
        ),
        "crowdprojects:monitoring": case(
            taken_up + "monitoring/",
            ("login", *every(302)[1:]),
            "POST",
            data={"verdict": "partly", "text": "Half of the path is done."},
            state=lambda w: MonitoringReport.objects.count(),
        ),
        "crowdprojects:rating": case(
            taken_up + "rating/",
            ("login", *every(302)[1:]),
            "POST",
            data={"stars": "4"},
            state=lambda w: ResultRating.objects.count(),
        ),
        "api:decision_list": case("/api/v1/projects/{implementing_project}/decisions", every(200), api=True),
        "api:decision_list#draft": case("/api/v1/projects/{draft_project}/decisions", draft_seen, api=True),
        "api:milestone_list": case("/api/v1/ideas/{taken_up_idea}/milestones", every(200), api=True),
        "api:monitoring_create": case(
            "/api/v1/ideas/{taken_up_idea}/monitoring",
            (401, *every(201)[1:]),
            "POST",
            api=True,
            data={"verdict": "done", "text": "The fountain works."},
            state=lambda w: MonitoringReport.objects.count(),
        ),
        **idea_routes(case, every),
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
        **_funding_routes(case, every),
        **drafting_routes(case, every),
        **_voting_routes(case, every),
        **_meeting_routes(case, every, draft_seen),
        **wisdom_routes(case, every),
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


# Drafting a text (veche.drafting): a project of the roads department in its drafting stage, with a
# published document (its section 2 has key 3), a draft document, and an amendment by the author.
RUN = ("login", 404, 404, 404, 200, 200, 404, 200)  # officials of the roads department and admins
RUN_POST = ("login", 404, 404, 404, 302, 302, 404, 302)
SIGNED_IN_POST = ("login",) + (302,) * 7
TEXT = "/m/{slug}/projects/{text_project}/text"


def _amendment_status(w: Any) -> str:
    return str(Amendment.objects.get(pk=w.values["text_amendment"]).status)


def drafting_routes(case: type[Case], every: Any) -> dict[str, Case]:
    doc = TEXT + "/{text_document}"
    amendment = doc + "/amendments/{text_amendment}"
    staff_sees = (404, 404, 404, 404, 200, 200, 404, 200)
    return {
        "drafting:list": case(TEXT + "/", every(200)),
        "drafting:list#draft-project": case(
            "/m/{slug}/projects/{draft_project}/text/", (404, 404, 404, 404, 200, 200, 404, 200)
        ),
        "drafting:create": case(TEXT + "/new/", RUN),
        "drafting:create#post": case(
            TEXT + "/new/",
            RUN_POST,
            "POST",
            data={"title": "Rules", "text": "## A\nx"},
            state=lambda w: Document.objects.count(),
        ),
        "drafting:document": case(doc + "/", every(200)),
        "drafting:document#draft": case(TEXT + "/{text_draft_document}/", staff_sees),
        "drafting:document#other-project": case(
            "/m/{slug}/projects/{project}/text/{text_document}/", every(404)
        ),
        "drafting:edit": case(TEXT + "/{text_draft_document}/edit/", RUN),
        "drafting:edit#post": case(
            TEXT + "/{text_draft_document}/edit/",
            RUN_POST,
            "POST",
            data={"title": "Rules", "text": "## B\ny"},
            state=lambda w: Document.objects.get(pk=w.values["text_draft_document"]).title,
        ),
        "drafting:publish": case(
            TEXT + "/{text_draft_document}/publish/",
            RUN_POST,
            "POST",
            state=lambda w: Document.objects.get(pk=w.values["text_draft_document"]).published_at,
        ),
        "drafting:versions": case(doc + "/versions/", every(200)),
        "drafting:version_new": case(doc + "/versions/new/", RUN),
        # Nothing accepted waits: those who run the project are told so (409), nothing is published.
        "drafting:version_new#post": case(
            doc + "/versions/new/",
            ("login", 404, 404, 404, 409, 409, 404, 409),
            "POST",
            data={"note": "v2"},
            state=lambda w: Version.objects.count(),
        ),
        "drafting:compare": case(doc + "/compare/?from=1&to=1", every(200)),
        "drafting:section": case(doc + "/sections/{text_section}/", every(200)),
        "drafting:section#unknown": case(doc + "/sections/999/", every(404)),
        "drafting:comment": case(
            doc + "/sections/{text_section}/comments/",
            SIGNED_IN_POST,
            "POST",
            data={"body": "Which side of the path?"},
            state=lambda w: Comment.objects.count(),
        ),
        "drafting:amend": case(doc + "/sections/{text_section}/amend/", ("login",) + (200,) * 7),
        "drafting:amend#post": case(
            doc + "/sections/{text_section}/amend/",
            SIGNED_IN_POST,
            "POST",
            data={"kind": "change", "body": "Benches every thirty metres."},
            state=lambda w: Amendment.objects.count(),
        ),
        "drafting:support": case(
            amendment + "/support/", SIGNED_IN_POST, "POST", state=lambda w: AmendmentSupport.objects.count()
        ),
        # Only the author withdraws; the author is none of the roles.
        "drafting:withdraw": case(
            amendment + "/withdraw/", ("login",) + (403,) * 7, "POST", state=_amendment_status
        ),
        "drafting:decide": case(
            amendment + "/decide/",
            RUN_POST,
            "POST",
            data={"decision": "reject", "reason": "Benches are enough."},
            state=_amendment_status,
        ),
        "api:drafting_documents": case("/api/v1/projects/{text_project}/documents", every(200), api=True),
        "api:drafting_document": case("/api/v1/documents/{text_document}", every(200), api=True),
        "api:drafting_document#draft": case("/api/v1/documents/{text_draft_document}", staff_sees, api=True),
        "api:drafting_version": case("/api/v1/documents/{text_document}/versions/1", every(200), api=True),
        "api:drafting_compare": case(
            "/api/v1/documents/{text_document}/compare?from=1&to=1", every(200), api=True
        ),
        "api:drafting_amendment_create": case(
            "/api/v1/documents/{text_document}/amendments",
            (401,) + (201,) * 7,
            "POST",
            api=True,
            data={"section_key": 3, "body": "Benches every twenty metres."},
            state=lambda w: Amendment.objects.count(),
        ),
        "api:drafting_amendment_support": case(
            "/api/v1/amendments/{text_amendment}/supports",
            (401,) + (201,) * 7,
            "POST",
            api=True,
            state=lambda w: AmendmentSupport.objects.count(),
        ),
    }


def drafting_world(*, municipality: Municipality, municipal_admin: User, author: User) -> dict[str, Any]:
    roads = municipality.departments.get(name_en="Roads")
    project = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.DRAFTING,
        template="drafting",
        title="Park rules",
        department=roads,
    )
    text = "Preamble.\n\n## 1. Paths\nClean.\n\n## 2. Benches\nEvery fifty metres."
    document = document_create(actor=municipal_admin, project=project, title="Park rules", text=text)
    document = document_publish(actor=municipal_admin, document=document)
    draft = document_create(actor=municipal_admin, project=project, title="Not yet", text="## A\nx")
    benches = latest_version(document).sections.get(number="2")
    benches.version.document = document
    amendment = amendment_propose(author=author, section=benches, body="Benches every ten metres.")
    return {
        "text_project": project.pk,
        "text_document": document.pk,
        "text_draft_document": draft.pk,
        "text_section": benches.key,
        "text_amendment": amendment.pk,
    }


def _voting_routes(case: type[Case], every: Any) -> dict[str, Case]:
    draft_seen = (404, 404, 404, 404, 200, 200, 404, 200)
    # Results before the voting stage ends: the project's organisers (the official of roads, admins).
    organisers = (403, 403, 403, 403, 200, 200, 403, 200)
    return {
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
    values: dict[str, Any],
    municipality: Municipality,
    other_municipality: Municipality,
    municipal_admin: User,
    other_admin: User,
    author: User,
) -> dict[str, Any]:
    """`values` and the crowd projects' world: the base (projects in their ideas stage, a draft,
    another municipality's, the administration's) and each part's own."""
    start = timezone.now() - timedelta(days=1)
    roads = municipality.departments.get(name_en="Roads")
    made: dict[str, Any] = {}

    def project(where: Municipality, actor: User, title: str, *, publish: bool) -> Project:
        created = project_create(
            actor=actor,
            municipality=where,
            title=title,
            description="What should the city do?",
            template="full",
            starts_at=start,
            department=roads if where == municipality else None,
        )
        return project_publish(actor=actor, project=created) if publish else created

    def base() -> dict[str, Any]:
        if made:
            return made
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
        merge_target = Idea.objects.create(
            municipality=municipality,
            project=running,
            author=author,
            title="A pond",
            body="Clean the pond",
            created_at=timezone.now(),
        )
        # Named in a form (the expert to invite), not by a value: made with the base.
        User.objects.create_user("crowd-expert-2", "expert2@example.org", "x")
        made.update(
            {
                "merge_target": merge_target.pk,
                "project": running.pk,
                "draft_project": draft.pk,
                "other_project": other.pk,
                "admin_project": administration.pk,
                "idea": idea.pk,
            }
        )
        return made

    def selection() -> dict[str, Any]:
        # A project in its implementation stage (one idea taken up, with a milestone, one declined), and
        # one in its selection stage with one idea decided (not taken up) and the selection unpublished.
        built = implementing(
            actor=municipal_admin,
            municipality=municipality,
            author=author,
            title="Carried out",
            department=roads,
        )
        selecting = project_in_stage(
            actor=municipal_admin,
            municipality=municipality,
            kind=StageKind.SELECTION,
            title="Being selected",
            department=roads,
        )
        selecting_idea = idea_in(selecting, author, "Swings")
        decide(municipal_admin, selecting_idea, selected=False)
        return {
            "implementing_project": built.project.pk,
            "taken_up_idea": built.taken_up.pk,
            "declined_idea": built.declined.pk,
            "crowd_milestone": built.milestone.pk,
            "selecting_project": selecting.pk,
            "selecting_idea": selecting_idea.pk,
        }

    def voting() -> dict[str, Any]:
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
        return {"voting_project": voting.pk, "voting_idea": voting_idea.pk}

    def meetings() -> dict[str, Any]:
        running = Project.objects.get(pk=base()["project"])
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
        return {"meeting": meeting.pk, "held_meeting": held.pk}

    def wisdom() -> dict[str, Any]:
        from veche.crowdprojects.services.assessment import criterion_add, expert_invite

        running = Project.objects.get(pk=base()["project"])
        criterion = criterion_add(actor=municipal_admin, project=running, name="Cost")
        expert = expert_invite(actor=municipal_admin, project=running, user=author, public_name="Dr. Ivanova")
        return {"criterion": criterion.pk, "expert": expert.pk}

    def drafting() -> dict[str, Any]:
        return drafting_world(municipality=municipality, municipal_admin=municipal_admin, author=author)

    def funding() -> dict[str, Any]:
        return _funding_world(municipality=municipality, municipal_admin=municipal_admin, author=author)

    built = dict(values)
    for part in (base, selection, voting, meetings, wisdom, drafting, funding):
        built.update(part())
    return built
