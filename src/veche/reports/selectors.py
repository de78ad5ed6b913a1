"""Reads of reports shared by pages, the JSON API and Open311: lists, filters, nearby, map clusters."""

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Floor

from veche.core.geo import bounding_box, haversine_m
from veche.municipalities.models import Category, District, Municipality
from veche.municipalities.selectors import id_by_code
from veche.municipalities.zones import local_day
from veche.reports import mapcells
from veche.reports.models import (
    AWAITING_ANSWER,
    LATITUDE_BAND,
    LONGITUDE_BAND,
    PUBLIC,
    Report,
    ReportSupport,
    Status,
    band_of,
    overdue_on,
)

NEARBY_RADIUS_M = 50
MAX_CELLS = 256  # a box of more cells (over some 6 km across) names its latitude bands only
MAX_BANDS = 64  # a box of more (over 35 km) reads the latitude range as one
# A map asks for at most this many grid cells (clusters) or single reports at once.
MAP_MAX_CELLS = 4096
MAP_MAX_POINTS = 2000


@dataclass(frozen=True)
class ReportFilters:
    category: str = ""
    district: str = ""
    status: str = ""
    overdue: bool = False
    department: int | None = None


def public_reports(municipality: Municipality) -> QuerySet[Report]:
    return Report.objects.filter(municipality=municipality, status__in=PUBLIC, hidden_at__isnull=True)


def reports_of(municipality: Municipality, *, author: Any) -> QuerySet[Report]:
    """Every report `author` filed in `municipality`, whatever its status (they see their own)."""
    return Report.objects.filter(municipality=municipality, author=author)


def filter_reports(
    reports: QuerySet[Report],
    filters: ReportFilters,
    *,
    municipality: Municipality,
    today: date | None = None,
) -> QuerySet[Report]:
    """`reports` (all of `municipality`) narrowed by the filters.

    The category and district are looked up by code with `id_by_code`, so the database reads the
    reports of that one id newest first in index order, rather than join the code's row to every
    report.
    """
    if filters.category:
        reports = reports.filter(category_id=id_by_code(Category, municipality, filters.category))
    if filters.district:
        reports = reports.filter(district_id=id_by_code(District, municipality, filters.district))
    if filters.status == "open":
        reports = reports.filter(status__in=AWAITING_ANSWER)
    elif filters.status in Status.values:
        reports = reports.filter(status=filters.status)
    if filters.department is not None:
        reports = reports.filter(department_id=filters.department)
    if filters.overdue:
        reports = overdue(reports, today=today or local_day(municipality))
    return reports


def overdue(reports: QuerySet[Report], *, today: date) -> QuerySet[Report]:
    """The reports still owed an answer whose deadline day is before `today` (the municipality's day)."""
    return reports.filter(overdue_on(today))


def with_list_relations(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.select_related("category", "district", "department", "municipality")


def nearby_open_reports(
    *,
    category: Category,
    latitude: float,
    longitude: float,
    radius_m: float = NEARBY_RADIUS_M,
    limit: int = 10,
) -> list[tuple[Report, float]]:
    """Open, public reports of `category` within `radius_m`, nearest first, with their distance."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
    candidates = (
        Report.objects.filter(
            category=category,
            latitude__range=(min_lat, max_lat),
            longitude__range=(min_lon, max_lon),
            status__in=[s for s in AWAITING_ANSWER if s in PUBLIC],
            hidden_at__isnull=True,
        )
        .select_related("category", "municipality")
        .order_by("-created_at")[:500]
    )
    found = [(r, haversine_m(latitude, longitude, r.latitude, r.longitude)) for r in candidates]
    return sorted([(r, d) for r, d in found if d <= radius_m], key=lambda pair: pair[1])[:limit]


def in_box(
    reports: QuerySet[Report], *, south: float, west: float, north: float, east: float
) -> QuerySet[Report]:
    """The reports in the box. A box of a few cells names them too, so the database looks each cell
    up in report_geo_cell (and only its stretch of time, when the query has one); a box of more
    cells names its latitude bands only, each read across the city and kept to the box's longitudes
    by the plain filter below. (Naming its longitude bands as a range too measured no faster on
    PostgreSQL for a box of 4 x 10 km, 172k reports: 64 ms either way; wide boxes with a time
    window are read newest first through the created_at index instead.)"""
    # band_of() truncates as Band does, and never decreases, so these are all the bands.
    latitudes = range(band_of(south), band_of(north) + 1)
    longitudes = range(band_of(west), band_of(east) + 1)
    if len(latitudes) * len(longitudes) <= MAX_CELLS:
        reports = reports.alias(latitude_band=LATITUDE_BAND, longitude_band=LONGITUDE_BAND).filter(
            latitude_band__in=list(latitudes), longitude_band__in=list(longitudes)
        )
    elif len(latitudes) <= MAX_BANDS:
        reports = reports.alias(latitude_band=LATITUDE_BAND).filter(latitude_band__in=list(latitudes))
    return reports.filter(latitude__range=(south, north), longitude__range=(west, east))


def reports_within(
    reports: QuerySet[Report], *, latitude: float, longitude: float, radius_m: float
) -> QuerySet[Report]:
    """The index-friendly box around the circle; callers that need the exact circle filter after."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
    return in_box(reports, south=min_lat, west=min_lon, north=max_lat, east=max_lon)


def supported_by(reports: QuerySet[Report], user: Any) -> QuerySet[Report]:
    if not getattr(user, "is_authenticated", False):
        return reports
    return reports.annotate(supported=Exists(ReportSupport.objects.filter(report=OuterRef("pk"), user=user)))


def map_clusters(
    reports: QuerySet[Report], *, bbox: tuple[float, float, float, float], zoom: int
) -> list[dict[str, Any]]:
    """The reports in the box, grouped by the database into the cells of `zoom` that the box touches
    (whole cells, as mapcells.clusters counts them); from zoom 17, the newest 2,000 single reports.

    Pages use `public_map`, which reads the stored cell counts instead where it can.
    """
    south, west, north, east = bbox
    if zoom >= 17:
        points = in_box(reports, south=south, west=west, north=north, east=east)
        return [
            {"lat": r["latitude"], "lon": r["longitude"], "count": 1, "id": r["id"], "status": r["status"]}
            for r in points.values("id", "latitude", "longitude", "status")[:MAP_MAX_POINTS]
        ]
    size = mapcells.cell_size(zoom)
    (x0, y0), (x1, y1) = mapcells.cell_of(south, west, zoom), mapcells.cell_of(north, east, zoom)
    rows = (
        # The range lets the index find the rows; the cell numbers decide, exactly as stored cells do.
        reports.filter(
            latitude__gte=(y0 - 1) * size,
            latitude__lt=(y1 + 2) * size,
            longitude__gte=(x0 - 1) * size,
            longitude__lt=(x1 + 2) * size,
        )
        .annotate(
            cx=Floor(Cast(F("longitude"), FloatField()) / size),
            cy=Floor(Cast(F("latitude"), FloatField()) / size),
        )
        .filter(cx__range=(x0, x1), cy__range=(y0, y1))
        .values("cx", "cy")
        # Counting `status` (never null) rather than `id` keeps every column in the report_geo
        # index, so that PostgreSQL can answer from the index alone.
        .annotate(count=Count("status"), open=Count("status", filter=Q(status__in=AWAITING_ANSWER)))
        .order_by()
    )
    return [
        {
            "lat": (row["cy"] + 0.5) * size,
            "lon": (row["cx"] + 0.5) * size,
            "count": row["count"],
            "open": row["open"],
        }
        for row in rows
    ]


def public_map(
    municipality: Municipality,
    filters: ReportFilters,
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
) -> list[dict[str, Any]]:
    """The public map's clusters in the box: a count for every cell of the zoom's grid that the box
    touches, or single reports from zoom 17.

    The counts come from the stored cells (reports/mapcells.py), so a whole city costs about what a
    street does. The cells count by category, by district or overdue (as of the stored overdue day),
    one at a time; with more of those filters at once, or before the hourly tick has moved the
    overdue day to today, the reports themselves are grouped.
    """
    narrowing = bool(filters.category) + bool(filters.district) + filters.overdue
    stored = zoom < 17 and filters.department is None and narrowing <= 1
    if stored and filters.overdue:
        stored = mapcells.counted_up_to(municipality) == local_day(municipality)
    if not stored:
        reports = filter_reports(public_reports(municipality), filters, municipality=municipality)
        return map_clusters(reports, bbox=bbox, zoom=zoom)
    statuses = mapcells.ON_MAP
    if filters.status == "open":
        statuses = mapcells.OPEN_ON_MAP
    elif filters.status in Status.values:
        statuses = (filters.status,)
    return mapcells.clusters(
        municipality,
        bbox=bbox,
        zoom=zoom,
        category=filters.category,
        district=filters.district,
        statuses=statuses,
        overdue=filters.overdue,
    )


def map_box_too_large(bbox: tuple[float, float, float, float], zoom: int) -> bool:
    """Whether the box holds more grid cells than a map answers at once (a 4K screen holds about
    2,300 at any zoom; a box of the whole world at zoom 16 would hold billions)."""
    if zoom >= 17:
        return False  # single reports, at most MAP_MAX_POINTS of them
    south, west, north, east = bbox
    (x0, y0), (x1, y1) = mapcells.cell_of(south, west, zoom), mapcells.cell_of(north, east, zoom)
    return (x1 - x0 + 1) * (y1 - y0 + 1) > MAP_MAX_CELLS


def valid_bbox(raw: str) -> tuple[float, float, float, float] | None:
    """ "south,west,north,east" in degrees, or None if it is not one."""
    try:
        south, west, north, east = (float(v) for v in raw.split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (south, west, north, east)):
        return None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        return None
    return south, west, north, east


def workspace_counts(*, reports: QuerySet[Report], today: date) -> dict[str, int]:
    """How many reports wait in each step, and how many are overdue (before `today`, the
    municipality's day), in one query."""
    return reports.aggregate(
        submitted=Count("id", filter=Q(status=Status.SUBMITTED)),
        routed=Count("id", filter=Q(status=Status.ROUTED)),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
        answered=Count("id", filter=Q(status__in=[Status.RESOLVED, Status.REJECTED])),
        overdue=Count("id", filter=overdue_on(today)),
    )
