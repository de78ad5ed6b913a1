"""Reads of the Open311 server: jurisdictions, keys, services, and pages of public requests and updates.

A page of requests is one query for its rows, one for the names of the categories, departments and
districts they refer to, and one for the notes when asked for, whatever its length. The rows walk
an index of `reports.Report`: `report_recent` for the newest-first pages, `report_category_list`
for one service, `report_geo_cell` for the radius filter, `report_updated` for the updates feed.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

from veche.accounts.tokens import hash_token
from veche.core.errors import DomainError, NotFound
from veche.core.geo import EARTH_RADIUS_M
from veche.core.models import AuditEntry
from veche.municipalities.models import Category, Department, District, Municipality
from veche.municipalities.selectors import id_by_code
from veche.open311.models import ApiKey, RequestToken, ServiceAttribute
from veche.reports.lifecycle import TRANSITIONS
from veche.reports.models import (
    AWAITING_ANSWER,
    PUBLIC,
    EventKind,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
)
from veche.reports.selectors import public_reports, reports_within

OPEN = "open"
CLOSED = "closed"
OPEN_STATUSES = tuple(s for s in PUBLIC if s in AWAITING_ANSWER)
CLOSED_STATUSES = tuple(s for s in PUBLIC if s not in AWAITING_ANSWER)
# The events that change a report's status; each sets report.updated_at to its own time.
STATUS_EVENTS = tuple({EventKind.SUBMITTED.value} | {t.event for t in TRANSITIONS.values()})


def jurisdiction(jurisdiction_id: str | None) -> Municipality:
    """The municipality a request names; it may go unnamed while only one municipality is active."""
    if jurisdiction_id:
        municipality = Municipality.objects.filter(slug=jurisdiction_id, is_active=True).first()
        if municipality is None:
            raise NotFound(f"jurisdiction_id '{jurisdiction_id}' was not found.")
        return municipality
    active = list(Municipality.objects.filter(is_active=True).order_by("pk")[:2])
    if not active:
        raise NotFound("This server serves no jurisdiction yet.")
    if len(active) > 1:
        raise DomainError(
            "jurisdiction_id was not provided; this endpoint serves several jurisdictions "
            "(the jurisdiction_id is the municipality's code, as in /m/<code>/ on the site)."
        )
    return active[0]


def api_key_for(municipality: Municipality, raw_key: str) -> ApiKey | None:
    """The active key of `municipality` with this secret, or None."""
    if not raw_key or len(raw_key) > 200:
        return None
    return (
        ApiKey.objects.select_related("municipality")
        .filter(key_hash=hash_token(raw_key), municipality=municipality, revoked_at__isnull=True)
        .first()
    )


def services_of(municipality: Municipality) -> QuerySet[Category]:
    """The municipality's active categories, each knowing whether it has a service definition."""
    return (
        Category.objects.filter(municipality=municipality, is_active=True)
        .select_related("department")
        .annotate(has_definition=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk"))))
        .order_by("name", "pk")
    )


def service_of(municipality: Municipality, service_code: str) -> Category:
    category = (
        Category.objects.filter(municipality=municipality, slug=service_code, is_active=True)
        .select_related("municipality", "department")
        .first()
    )
    if category is None:
        raise NotFound(f"service_code '{service_code}' was not found.")
    return category


def definition_of(category: Category) -> list[ServiceAttribute]:
    return list(category.open311_attributes.order_by("order", "pk"))


def services_changeset() -> datetime | None:
    """When the service list or a definition last changed: the audit log of the staff's changes,
    or the newest attribute (the demo and Django's shell write without the log)."""
    entry = (
        AuditEntry.objects.filter(
            Q(action__startswith="category.") | Q(action__startswith="open311.attribute.")
        )
        .order_by("-created_at")
        .only("created_at")
        .first()
    )
    newest = ServiceAttribute.objects.aggregate(newest=Max("updated_at"))["newest"]
    stamps = [stamp for stamp in (entry.created_at if entry else None, newest) if stamp is not None]
    return max(stamps, default=None)


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_m: float


@dataclass(frozen=True)
class RequestQuery:
    """What a GET requests call asks for; `ids` overrides every filter, as the spec says."""

    ids: tuple[int, ...] | None = None
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] = frozenset()
    near: Near | None = None
    offset: int = 0
    limit: int = 1000


class RequestRow(NamedTuple):
    """What a GET shows of one report, read as plain values: a page of 1,000 builds no model objects."""

    id: int
    status: str
    answer: str
    description: str
    source: str
    address: str
    latitude: float
    longitude: float
    created_at: datetime
    updated_at: datetime
    answer_due: date
    category_slug: str
    category_name: str
    category_name_en: str
    department_name: str | None
    department_name_en: str | None
    district_name: str | None
    district_name_en: str | None
    address_id: str | None
    media_url: str | None
    approximate_location: bool | None
    first_photo: str | None


# The columns read for each RequestRow; never a reporter's name, e-mail, phone or device. Times,
# dates and the approximate-location flag are read as text (the annotations of `_rows`), which both
# drivers load in C and `_rows` parses: Django's converters (SQLite) and its time zone loader
# (PostgreSQL) run in Python for every value, and cost as much as the SQL of the page. The names of
# the category, department and district come from `_names`: a dozen of them repeat down a page, and
# joining them to every row costs PostgreSQL more to plan and send than the page's own columns.
_ROW_COLUMNS = (
    "pk",
    "status",
    "answer",
    "description",
    "source",
    "address",
    "latitude",
    "longitude",
    "created_text",
    "updated_text",
    "answer_due_text",
    "category_id",
    "department_id",
    "district_id",
    "open311_submission__address_id",
    "open311_submission__media_url",
    "approximate",
    "first_photo",
)
_NO_NAMES = (None, None)


def _rows(reports: QuerySet[Report]) -> list[RequestRow]:
    first_photo = (
        ReportPhoto.objects.filter(report=OuterRef("pk"), kind=ReportPhoto.Kind.REPORT)
        .order_by("created_at", "pk")
        .values("image")[:1]
    )
    approximate = When(open311_submission__approximate_location=True, then=Value("yes"))
    values = list(
        reports.annotate(
            created_text=Cast("created_at", TextField()),
            updated_text=Cast("updated_at", TextField()),
            answer_due_text=Cast("answer_due", TextField()),
            approximate=Case(approximate, default=Value(""), output_field=TextField()),
            first_photo=Subquery(first_photo),
        ).values_list(*_ROW_COLUMNS)
    )
    if not values:
        return []
    categories, departments, districts = _names(
        categories={row[11] for row in values},
        departments={row[12] for row in values} - {None},
        districts={row[13] for row in values} - {None},
    )
    moment = _moment_reader(connections[reports.db])
    return [
        RequestRow._make(
            (
                *row[:8],
                moment(row[8]),
                moment(row[9]),
                date.fromisoformat(row[10]),
                *categories[row[11]],
                *departments.get(row[12], _NO_NAMES),
                *districts.get(row[13], _NO_NAMES),
                row[14],
                row[15],
                bool(row[16]),
                row[17],
            )
        )
        for row in values
    ]


Names = dict[int, tuple[str, str]]


def _names(
    *, categories: set[int], departments: set[int], districts: set[int]
) -> tuple[dict[int, tuple[str, str, str]], Names, Names]:
    """The code and names of these categories, and the names of these departments and districts,
    in one query."""
    parts = [
        model._default_manager.filter(pk__in=ids)
        .order_by()
        .annotate(kind=Value(kind), code=F("slug") if model is Category else Value(""))
        .values_list("kind", "pk", "code", "name_ru", "name_en")
        for kind, (model, ids) in enumerate(
            ((Category, categories), (Department, departments), (District, districts))
        )
        if ids
    ]
    coded: dict[int, tuple[str, str, str]] = {}
    named: tuple[Names, Names] = ({}, {})
    for kind, pk, code, name, name_en in parts[0].union(*parts[1:], all=True):
        if kind == 0:
            coded[pk] = (code, name, name_en)
        else:
            named[kind - 1][pk] = (name, name_en)
    return coded, *named


def _moment_reader(connection: BaseDatabaseWrapper) -> Callable[[str], datetime]:
    """How to read a timestamp the database wrote as text: PostgreSQL writes it in the ISO style with
    its offset (psycopg reads timestamps in no other DateStyle either); SQLite stores it without one,
    in the connection's time zone (UTC unless settings say otherwise), as Django's converter reads it."""
    if connection.features.supports_timezones:
        return datetime.fromisoformat
    stored_tz = connection.timezone
    if stored_tz is UTC:
        # Parsing an offset costs a fifth of what datetime.replace(tzinfo=...) does.
        return lambda value: datetime.fromisoformat(value + "+00:00")
    return lambda value: datetime.fromisoformat(value).replace(tzinfo=stored_tz)


def _distance_m(latitude: float, longitude: float) -> CombinedExpression:
    """Haversine distance from the point to each report, in the database, so that paging stays exact."""
    dlat = Radians(F("latitude") - Value(latitude)) / 2
    dlon = Radians(F("longitude") - Value(longitude)) / 2
    a = Power(Sin(dlat), 2) + Cos(Radians(Value(latitude))) * Cos(Radians(F("latitude"))) * Power(
        Sin(dlon), 2
    )
    return Value(2 * EARTH_RADIUS_M) * ASin(Least(Sqrt(a), Value(1.0), output_field=FloatField()))


def request_page(municipality: Municipality, query: RequestQuery) -> list[RequestRow]:
    """One page of the municipality's public requests, newest first."""
    reports = public_reports(municipality)
    if query.ids is not None:
        return _rows(reports.filter(pk__in=query.ids).order_by("-created_at", "pk")[: query.limit])
    if len(query.service_codes) == 1:
        # The category found first, once, so that its reports are read newest first through
        # `report_category_list` rather than every report of the window by `report_recent`.
        reports = reports.filter(category_id=id_by_code(Category, municipality, query.service_codes[0]))
    elif query.service_codes:
        reports = reports.filter(category__slug__in=query.service_codes)
    if query.start is not None:
        reports = reports.filter(created_at__gte=query.start)
    if query.end is not None:
        reports = reports.filter(created_at__lte=query.end)
    if query.statuses == {OPEN}:
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif query.statuses == {CLOSED}:
        reports = reports.filter(status__in=CLOSED_STATUSES)
    if query.near is not None:
        near = query.near
        reports = (
            reports_within(reports, latitude=near.latitude, longitude=near.longitude, radius_m=near.radius_m)
            .exclude(open311_submission__approximate_location=True)
            .alias(distance=_distance_m(near.latitude, near.longitude))
            .filter(distance__lte=near.radius_m)
        )
    page = reports.order_by("-created_at", "pk")[query.offset : query.offset + query.limit]
    if query.offset or (query.near is not None and not query.service_codes and query.statuses != {OPEN}):
        # The page is chosen by id first, and only its rows are then read whole (with their
        # submission and photo): the rows a later page skips were read whole, and so were all the rows of a
        # circle, to be sorted by time; in the city centre that is thousands. (A circle of open
        # reports, or of some services, holds few, and `report_category_geo` finds them directly.)
        page = Report.objects.filter(pk__in=page.values("pk")).order_by("-created_at", "pk")
    return _rows(page)


def public_request(municipality: Municipality, request_id: str) -> RequestRow:
    try:
        pk = int(request_id)
    except ValueError:
        pk = 0
    found = _rows(public_reports(municipality).filter(pk=pk)) if 0 < pk < 2**63 else []
    if not found:
        raise NotFound(f"service_request_id '{request_id}' was not found.")
    return found[0]


TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
LEGACY_TOKEN_PATTERN = re.compile(r"^[0-9]{1,19}$")
# A request waits for a moderator in these statuses; declined, it will never be public.
_AWAITING_MODERATION = (Status.SUBMITTED, Status.MODERATED)


class TokenAnswer(NamedTuple):
    token: str
    # None while the request awaits moderation.
    service_request_id: str | None


def token_answer(municipality: Municipality, token: str) -> TokenAnswer:
    """What `tokens/{token}` answers: the request's id once it is public (as `public_reports` has it),
    none while it awaits moderation, NotFound for a declined or hidden request and for anything we
    did not issue in `municipality`. One query.

    A public request's own id is accepted as its token too, as before tokens were issued.
    """
    if TOKEN_PATTERN.match(token):
        found = (
            RequestToken.objects.filter(token=token, report__municipality=municipality)
            .annotate(public=Exists(public_reports(municipality).filter(pk=OuterRef("report_id"))))
            .values_list("report_id", "report__status", "report__hidden_at", "public")
            .first()
        )
        if found is not None:
            report_id, status, hidden_at, public = found
            if public:
                return TokenAnswer(token, str(report_id))
            if status in _AWAITING_MODERATION and hidden_at is None:
                return TokenAnswer(token, None)
            if status == Status.DECLINED:
                raise NotFound(f"token '{token}': a moderator declined the request; it will not be public.")
    elif (
        LEGACY_TOKEN_PATTERN.match(token)
        and 0 < int(token) < 2**63
        and public_reports(municipality).filter(pk=int(token)).exists()
    ):
        return TokenAnswer(token, token)
    shown = token if len(token) <= 40 else f"{token[:40]}…"
    raise NotFound(f"token '{shown}' was not found.")


def events_of(report_ids: list[int]) -> dict[int, list[ReportEvent]]:
    """The history of each report, oldest first, in one query."""
    history: dict[int, list[ReportEvent]] = defaultdict(list)
    if report_ids:
        events = ReportEvent.objects.filter(report_id__in=report_ids).order_by(
            "report_id", "created_at", "pk"
        )
        for event in events:
            history[event.report_id].append(event)
    return history


def update_page(
    municipality: Municipality, *, start: datetime, end: datetime | None, offset: int, limit: int
) -> list[ReportEvent]:
    """Status changes of public reports between `start` and `end`, oldest first.

    A report changed at time t has updated_at ≥ t, so `report.updated_at ≥ start` narrows the
    search through the `report_updated` index before the events' own times are compared.
    """
    reports = public_reports(municipality).filter(updated_at__gte=start)
    events = ReportEvent.objects.filter(report__in=reports, kind__in=STATUS_EVENTS, created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lte=end)
    return list(events.order_by("created_at", "pk")[offset : offset + limit])
