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
from veche.crowdprojects.models import Idea, Project, StageKind
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.drafting.models import Amendment, AmendmentSupport, Document, Version
from veche.drafting.services import amendment_propose, document_create, document_publish, latest_version
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
        **drafting_routes(case, every),
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
        **drafting_world(municipality=municipality, municipal_admin=municipal_admin, author=author),
        "project": running.pk,
        "draft_project": draft.pk,
        "other_project": other.pk,
        "idea": idea.pk,
    }
