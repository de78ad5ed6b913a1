"""API of reports: list with filters, one report with its history, file, support, lifecycle steps."""

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import DomainError
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.municipalities.models import Department
from veche.municipalities.zones import local_day
from veche.reports import selectors, services
from veche.reports.access import access_report
from veche.reports.models import Report, ReportEvent

router = Router(tags=["reports"])


class ReportOut(Schema):
    id: int
    status: str
    category: str
    district: str | None
    department: str | None
    description: str
    address: str
    latitude: float
    longitude: float
    created_at: datetime
    updated_at: datetime
    answer_due: date
    overdue: bool
    supporters_count: int
    answer: str
    url: str

    @staticmethod
    def resolve_category(obj: Report) -> str:
        return obj.category.slug

    @staticmethod
    def resolve_district(obj: Report) -> str | None:
        return obj.district.slug if obj.district else None

    @staticmethod
    def resolve_department(obj: Report) -> str | None:
        return obj.department.name if obj.department else None

    @staticmethod
    def resolve_overdue(obj: Report) -> bool:
        return obj.is_overdue(local_day(obj.municipality))

    @staticmethod
    def resolve_url(obj: Report) -> str:
        return services.report_url(obj)


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    note: str
    created_at: datetime


class ReportDetailOut(ReportOut):
    history: list[EventOut]
    photos: list[str]

    @staticmethod
    def resolve_history(obj: Report) -> list[ReportEvent]:
        return list(obj.events.all())

    @staticmethod
    def resolve_photos(obj: Report) -> list[str]:
        return [photo.image.url for photo in obj.photos.all()]


# Codes of categories and districts; anything else (a NUL byte, say) never reaches the database.
SLUG = r"^[-a-zA-Z0-9_]*$"


class FiltersIn(Schema):
    category: str = Field(default="", max_length=60, pattern=SLUG)
    district: str = Field(default="", max_length=60, pattern=SLUG)
    status: str = Field(default="", max_length=20)
    overdue: bool = False


class ReportIn(Schema):
    category: str = Field(max_length=60, pattern=SLUG)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    description: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH)
    address: str = Field(default="", max_length=300)
    # The district the resident chose, by its slug; empty: the place decides (as on the site's form).
    district: str = Field(default="", max_length=60, pattern=SLUG)


class ActionIn(Schema):
    note: str = Field(default="", max_length=settings.TEXT_MAX_LENGTH)
    department: int | None = None


class ReportSupportOut(Schema):
    supported: bool
    supporters_count: int


@router.get("/municipalities/{slug}/reports", response={200: list[ReportOut], **ERRORS})
@paginate(ListPagination)
def report_list(request: HttpRequest, slug: str, filters: Query[FiltersIn]) -> Any:
    municipality = access_municipality(request.user, slug)
    reports = selectors.filter_reports(
        selectors.public_reports(municipality),
        selectors.ReportFilters(
            category=filters.category,
            district=filters.district,
            status=filters.status,
            overdue=filters.overdue,
        ),
        municipality=municipality,
    )
    return selectors.with_list_relations(reports).order_by("-created_at", "-id")


@router.get("/municipalities/{slug}/reports/{report_id}", response={200: ReportDetailOut, **ERRORS})
def report_detail(request: HttpRequest, slug: str, report_id: int) -> Any:
    return access_report(request.user, access_municipality(request.user, slug), report_id)


@router.post("/municipalities/{slug}/reports", response={201: ReportOut, **ERRORS}, auth=AUTH)
def report_create(
    request: HttpRequest,
    slug: str,
    payload: Form[ReportIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """File a report (multipart/form-data: the fields, and up to 5 files named `photos`)."""
    municipality = access_municipality(request.user, slug)
    rate_limit_request("write", request)
    category = municipality.categories.filter(slug=payload.category).first()
    if category is None:
        raise DomainError(fields={"category": [_("Choose a category from the list.")]})
    district = None
    if payload.district:
        district = municipality.districts.filter(slug=payload.district).first()
        if district is None:
            raise DomainError(fields={"district": [_("Choose a district from the list.")]})
    report = services.report_submit(
        author=signed_in(request),
        municipality=municipality,
        category=category,
        latitude=payload.latitude,
        longitude=payload.longitude,
        description=payload.description,
        address=payload.address,
        district=district,
        photos=list(photos or []),
        source="api",
    )
    return Status(201, report)


@router.post(
    "/municipalities/{slug}/reports/{report_id}/support",
    response={200: ReportSupportOut, **ERRORS},
    auth=AUTH,
)
def report_support(request: HttpRequest, slug: str, report_id: int) -> Any:
    report = access_report(request.user, access_municipality(request.user, slug), report_id)
    rate_limit_request("write", request)
    added = services.report_support(user=signed_in(request), report=report)
    report.refresh_from_db(fields=["supporters_count"])
    return ReportSupportOut(supported=added, supporters_count=report.supporters_count)


Action = Literal["moderate", "decline", "start", "reject", "reassign", "confirm", "dispute"]


@router.post(
    "/municipalities/{slug}/reports/{report_id}/{action}", response={200: ReportOut, **ERRORS}, auth=AUTH
)
def report_act(request: HttpRequest, slug: str, report_id: int, action: Action, payload: ActionIn) -> Any:
    """A step of the lifecycle. Resolving needs a photo, so it is done in the site's workspace."""
    municipality = access_municipality(request.user, slug)
    report = access_report(request.user, municipality, report_id)
    rate_limit_request("write", request)
    user = signed_in(request)
    if action == "moderate":
        return services.report_moderate(moderator=user, report=report)
    if action == "start":
        return services.report_start(official=user, report=report)
    if action == "confirm":
        return services.report_confirm(author=user, report=report)
    if action == "decline":
        return services.report_decline(moderator=user, report=report, reason=payload.note)
    if action == "reject":
        return services.report_reject(official=user, report=report, reason=payload.note)
    if action == "dispute":
        return services.report_dispute(author=user, report=report, reason=payload.note)
    department = Department.objects.filter(pk=payload.department or 0, municipality=municipality).first()
    if department is None:
        raise DomainError(fields={"department": [_("Choose a department of this municipality.")]})
    return services.report_reassign(official=user, report=report, department=department, reason=payload.note)
