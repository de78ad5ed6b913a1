"""API of drafted texts: a project's documents, a document with its latest version, any version,
two versions compared, and proposing and supporting amendments."""

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StrictInt, StrictStr

from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import DomainError, NotFound
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.crowdprojects.access import access_project, can_run
from veche.drafting import services
from veche.drafting.access import access_amendment, access_document, access_version
from veche.drafting.diff import Piece
from veche.drafting.models import AmendmentKind, Document, Section, Version
from veche.drafting.selectors import compare_versions, documents_for, section_rows
from veche.drafting.services import latest_version

router = Router(tags=["drafting"])


class DraftDocumentSummaryOut(Schema):
    id: int
    project: int
    title: str
    url: str
    published_at: datetime | None = Field(description="null: a draft, seen only by the project's organisers")
    latest_version: int

    @staticmethod
    def resolve_project(obj: Any) -> int:
        return int(obj.project_id)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())

    @staticmethod
    def resolve_latest_version(obj: Any) -> int:
        return int(obj.latest_number)


class DraftSectionOut(Schema):
    key: int = Field(description="The same for this section in every version")
    number: str = Field(description="As the text numbers it: '1', '2.1'")
    heading: str
    body: str = Field(description="Markdown")
    body_html: str
    comments: int
    amendments: int = Field(description="Amendments of this section in any version, visible to you")


class DraftVersionOut(Schema):
    document: int
    number: int
    created_at: datetime
    note: str
    sections: list[DraftSectionOut]


class DraftDocumentOut(Schema):
    id: int
    project: int
    title: str
    url: str
    published_at: datetime | None
    versions: list[int]
    version: DraftVersionOut = Field(description="The latest version")


class AmendmentIn(Schema):
    section_key: StrictInt = Field(description="The key of a section of the latest version")
    kind: StrictStr = Field(default=AmendmentKind.CHANGE, description="change, remove or add")
    body: StrictStr = Field(default="", description="The new wording (change), the new section's text (add)")
    heading: StrictStr = Field(default="", description="The new section's heading (add)")
    rationale: StrictStr = ""


class AmendmentOut(Schema):
    id: int
    document: int
    section_key: int
    base_version: int
    kind: str
    heading: str
    body: str
    rationale: str
    status: str = Field(description="proposed, accepted, rejected or withdrawn")
    supporters_count: int
    decision_reason: str
    decided_at: datetime | None
    applied_in: int | None = Field(description="The version that carries it, once published")
    created_at: datetime
    url: str

    @staticmethod
    def resolve_document(obj: Any) -> int:
        return int(obj.document_id)

    @staticmethod
    def resolve_base_version(obj: Any) -> int:
        return int(obj.base_version.number)

    @staticmethod
    def resolve_applied_in(obj: Any) -> int | None:
        return int(obj.applied_in.number) if obj.applied_in_id else None

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class AmendmentSupportOut(Schema):
    amendment: int
    supporters_count: int
    created_at: datetime


class CompareFilters(Schema):
    start: int | None = Field(
        default=None, alias="from", description="A version number; default: the one before `to`"
    )
    to: int | None = Field(default=None, description="A version number; default: the latest")


class DraftPieceOut(Schema):
    op: str = Field(description="equal, insert or delete")
    text: str


class DraftSectionTextOut(Schema):
    number: str
    heading: str
    body: str


class DraftSectionDiffOut(Schema):
    key: int
    status: str = Field(description="unchanged, changed, added or removed")
    before: DraftSectionTextOut | None
    after: DraftSectionTextOut | None
    heading_changes: list[DraftPieceOut]
    body_changes: list[DraftPieceOut] = Field(description="Word by word, in reading order")


class DraftCompareOut(Schema):
    document: int
    from_version: int
    to_version: int
    sections: list[DraftSectionDiffOut]


def _version_out(request: HttpRequest, version: Version) -> dict[str, Any]:
    return {
        "document": version.document_id,
        "number": version.number,
        "created_at": version.created_at,
        "note": version.note,
        "sections": [
            {
                "key": row.section.key,
                "number": row.section.number,
                "heading": row.section.heading,
                "body": row.section.body,
                "body_html": str(render_markdown(row.section.body)),
                "comments": row.comments,
                "amendments": row.amendments,
            }
            for row in section_rows(version, viewer=request.user)
        ],
    }


@router.get("/projects/{project_id}/documents", response={200: list[DraftDocumentSummaryOut], **ERRORS})
@paginate(ListPagination)
def drafting_documents(request: HttpRequest, project_id: int) -> Any:
    """A crowd project's texts drafted together (drafts only for its organisers)."""
    project = access_project(request.user, project_id)
    documents = documents_for(project=project, viewer=request.user, runs=can_run(request.user, project))
    return documents.annotate(latest_number=Max("versions__number"))


@router.get("/documents/{document_id}", response={200: DraftDocumentOut, **ERRORS})
def drafting_document(request: HttpRequest, document_id: int) -> Any:
    """A document with its latest version's sections."""
    document = access_document(request.user, document_id)
    version = latest_version(document)
    return {
        "id": document.pk,
        "project": document.project_id,
        "title": document.title,
        "url": document.get_absolute_url(),
        "published_at": document.published_at,
        "versions": list(
            Version.objects.filter(document=document).order_by("number").values_list("number", flat=True)
        ),
        "version": _version_out(request, version),
    }


@router.get("/documents/{document_id}/versions/{number}", response={200: DraftVersionOut, **ERRORS})
def drafting_version(request: HttpRequest, document_id: int, number: int) -> Any:
    """One version of a document, its sections as they were then."""
    document = access_document(request.user, document_id)
    return _version_out(request, access_version(document, number))


def _section_text(section: Any) -> dict[str, str] | None:
    if section is None:
        return None
    return {"number": section.number, "heading": section.heading, "body": section.body}


def _pieces(pieces: tuple[Piece, ...]) -> list[dict[str, str]]:
    return [{"op": piece.op, "text": piece.text} for piece in pieces]


@router.get("/documents/{document_id}/compare", response={200: DraftCompareOut, **ERRORS})
def drafting_compare(request: HttpRequest, document_id: int, filters: Query[CompareFilters]) -> Any:
    """Two versions compared section by section (matched by key), each difference word by word."""
    document = access_document(request.user, document_id)
    to = access_version(document, filters.to) if filters.to is not None else latest_version(document)
    if filters.start is not None:
        start = access_version(document, filters.start)
    else:
        start = Version.objects.filter(document=document, number=to.number - 1).first() or to
    rate_limit_request("compare", request)
    diffs = compare_versions(document, start, to)
    return {
        "document": document.pk,
        "from_version": start.number,
        "to_version": to.number,
        "sections": [
            {
                "key": d.key,
                "status": d.status,
                "before": _section_text(d.before),
                "after": _section_text(d.after),
                "heading_changes": _pieces(d.heading),
                "body_changes": _pieces(d.body),
            }
            for d in diffs
        ],
    }


def _published(request: HttpRequest, document_id: int) -> Document:
    document = access_document(request.user, document_id)
    if document.published_at is None:
        raise NotFound()
    return document


@router.post("/documents/{document_id}/amendments", response={201: AmendmentOut, **ERRORS}, auth=AUTH)
def drafting_amendment_create(request: HttpRequest, document_id: int, payload: AmendmentIn) -> Any:
    """Propose an amendment to a section of the latest version, while the drafting stage runs. The
    same proposal again answers the amendment already there."""
    document = _published(request, document_id)
    section = Section.objects.filter(version=latest_version(document), key=payload.section_key).first()
    if section is None:
        raise DomainError(fields={"section_key": [_("No such section in the latest version.")]})
    section.version.document = document
    rate_limit_request("write", request)
    amendment = services.amendment_propose(
        author=signed_in(request),
        section=section,
        kind=payload.kind,
        body=payload.body,
        heading=payload.heading,
        rationale=payload.rationale,
    )
    return Status(201, access_amendment(request.user, amendment.pk))


@router.post("/amendments/{amendment_id}/supports", response={201: AmendmentSupportOut, **ERRORS}, auth=AUTH)
def drafting_amendment_support(request: HttpRequest, amendment_id: int) -> Any:
    """Support another person's open amendment, once; a repeat answers 409."""
    amendment = access_amendment(request.user, amendment_id)
    rate_limit_request("write", request)
    support = services.amendment_support(user=signed_in(request), amendment=amendment)
    amendment.refresh_from_db(fields=["supporters_count"])
    return Status(
        201,
        {
            "amendment": amendment.pk,
            "supporters_count": amendment.supporters_count,
            "created_at": support.created_at,
        },
    )
