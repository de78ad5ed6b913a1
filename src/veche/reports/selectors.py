"""Reads of reports shared by pages, the JSON API and Open311: lists, filters, nearby, map clusters."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.formats import date_format

from veche.core.geo import bounding_box, haversine_m
from veche.municipalities.models import Category, District, Municipality
from veche.municipalities.selectors import id_by_code
from veche.municipalities.zones import local_day, zone_of
from veche.notifications.models import Follow
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


# Open and public: what a resident can still support, and what a new report may repeat.
OPEN_PUBLIC = tuple(s for s in AWAITING_ANSWER if s in PUBLIC)


def _open_near(category_id: int, latitude: float, longitude: float, radius_m: float) -> Q:
    """The open, public, visible reports of a category in the box around a point (the index's cheap cut;
    the distance is checked afterwards)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
    return Q(
        category_id=category_id,
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lon, max_lon),
        status__in=OPEN_PUBLIC,
        hidden_at__isnull=True,
    )


def _nearest(
    candidates: Iterable[Report], latitude: float, longitude: float, radius_m: float, limit: int
) -> list[tuple[Report, float]]:
    found = [(r, haversine_m(latitude, longitude, r.latitude, r.longitude)) for r in candidates]
    return sorted([(r, d) for r, d in found if d <= radius_m], key=lambda pair: pair[1])[:limit]


def nearby_open_reports(
    *,
    category: Category,
    latitude: float,
    longitude: float,
    radius_m: float = NEARBY_RADIUS_M,
    limit: int = 10,
) -> list[tuple[Report, float]]:
    """Open, public reports of `category` within `radius_m`, nearest first, with their distance."""
    candidates = (
        Report.objects.filter(_open_near(category.pk, latitude, longitude, radius_m))
        .select_related("category", "municipality")
        .order_by("-created_at")[:500]
    )
    return _nearest(candidates, latitude, longitude, radius_m, limit)


@dataclass(frozen=True)
class Candidate:
    """An open report near a new one, as its author sees it: may they still say "Me too"?"""

    report: Report
    distance_m: float
    own: bool = False
    supported: bool = False
    following: bool = False


def duplicate_candidates(
    *, viewer: Any, category: Category, latitude: float, longitude: float
) -> list[Candidate]:
    """`nearby_open_reports` with what `viewer` already did about each (three queries at most)."""
    found = nearby_open_reports(category=category, latitude=latitude, longitude=longitude)
    supported: set[int] = set()
    following: set[int] = set()
    if found and viewer is not None and viewer.is_authenticated:
        ids = [r.pk for r, _ in found]
        supported = set(
            ReportSupport.objects.filter(user_id=viewer.pk, report_id__in=ids).values_list(
                "report_id", flat=True
            )
        )
        following = set(
            Follow.objects.filter(
                user_id=viewer.pk,
                content_type__app_label="reports",
                content_type__model="report",
                object_id__in=ids,
            ).values_list("object_id", flat=True)
        )
    viewer_id = getattr(viewer, "pk", None)
    return [
        Candidate(
            report=r,
            distance_m=d,
            own=viewer_id is not None and r.author_id == viewer_id,
            supported=r.pk in supported,
            following=r.pk in following,
        )
        for r, d in found
    ]


def duplicates_of(
    reports: Sequence[Report], *, radius_m: float = NEARBY_RADIUS_M, limit: int = 5
) -> dict[int, list[tuple[Report, float]]]:
    """For each of `reports` (a page of the moderators' queue), the open public reports of its category
    within `radius_m`, nearest first, itself left out: one query for the whole page."""
    if not reports:
        return {}
    near = Q()
    for report in reports:
        near |= _open_near(report.category_id, report.latitude, report.longitude, radius_m)
    ids = [r.pk for r in reports]
    candidates = list(Report.objects.filter(near).exclude(pk__in=ids).order_by("-created_at")[:1000])
    return {
        report.pk: _nearest(
            (c for c in candidates if c.category_id == report.category_id),
            report.latitude,
            report.longitude,
            radius_m,
            limit,
        )
        for report in reports
    }


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


# Below this many reports in the box, the map reads them to give every cluster the box of its
# reports and every lone report its pin; above, a cluster's box is its cell's.
MAP_DETAIL_REPORTS = 1000
# Above MAP_DETAIL_REPORTS, at most this many lone reports are read for their pins (one query ORs
# their cells); more stay drawn as clusters of one.
MAP_MAX_LONE = 200
_PIN_FIELDS = ("id", "latitude", "longitude", "status", "created_at", "category__name", "category__name_en")


def map_view(
    municipality: Municipality,
    filters: ReportFilters,
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
) -> dict[str, list[dict[str, Any]]]:
    """What the public map draws in the box: {"clusters": [...], "pins": [...]}.

    A cell of the zoom's grid that holds one report is that report's pin (with what its popup
    says); a cell of more is a cluster with the box of its reports (`bbox`: south, west, north,
    east), so that zooming to it splits it. From zoom 17, every report is a pin. `public_map` counts;
    one more query reads the reports behind the counts: all of them up to MAP_DETAIL_REPORTS in the
    box, above that only the lone ones (a cluster's box is then its cell's).
    """
    reports = filter_reports(public_reports(municipality), filters, municipality=municipality)
    if zoom >= 17:
        south, west, north, east = bbox
        points = in_box(reports, south=south, west=west, north=north, east=east)
        newest = points.order_by("-created_at", "-id").values(*_PIN_FIELDS)[:MAP_MAX_POINTS]
        return {"clusters": [], "pins": [_pin(row, municipality) for row in newest]}
    counted = public_map(municipality, filters, bbox=bbox, zoom=zoom)
    size = mapcells.cell_size(zoom)
    cells = {mapcells.cell_of(c["lat"], c["lon"], zoom): c for c in counted}
    total = sum(c["count"] for c in counted)
    if total <= MAP_DETAIL_REPORTS:
        rows = _reports_in_cells(reports, list(cells), zoom, limit=MAP_DETAIL_REPORTS * 2)
    else:
        lone = [cell for cell, c in cells.items() if c["count"] == 1][:MAP_MAX_LONE]
        within = Q()
        for x, y in lone:
            within |= Q(
                latitude__gte=y * size,
                latitude__lt=(y + 1) * size,
                longitude__gte=x * size,
                longitude__lt=(x + 1) * size,
            )
        rows = _reports_in_cells(reports.filter(within), lone, zoom, limit=MAP_MAX_LONE * 2)
    found: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(mapcells.cell_of(row["latitude"], row["longitude"], zoom), []).append(row)
    clusters: list[dict[str, Any]] = []
    pins: list[dict[str, Any]] = []
    for (x, y), cluster in cells.items():
        inside = found.get((x, y), [])
        if cluster["count"] == 1 and len(inside) == 1:
            pins.append(_pin(inside[0], municipality))
            continue
        if inside:
            lats, lons = [r["latitude"] for r in inside], [r["longitude"] for r in inside]
            box = [min(lats), min(lons), max(lats), max(lons)]
            # Drawn amid its reports rather than in its cell's middle, which may be empty ground.
            cluster = {**cluster, "lat": sum(lats) / len(lats), "lon": sum(lons) / len(lons)}
        else:
            box = [y * size, x * size, (y + 1) * size, (x + 1) * size]
        clusters.append({**cluster, "bbox": box})
    return {"clusters": clusters, "pins": pins}


def _reports_in_cells(
    reports: QuerySet[Report], cells: list[tuple[int, int]], zoom: int, *, limit: int
) -> list[dict[str, Any]]:
    """What the pins show of `reports` in the box of `cells` (at most `limit`; none without cells).
    The box lets the index find the rows; the caller sorts them into the cells."""
    if not cells:
        return []
    size = mapcells.cell_size(zoom)
    xs, ys = [x for x, _ in cells], [y for _, y in cells]
    found = in_box(
        reports,
        south=min(ys) * size,
        west=min(xs) * size,
        north=(max(ys) + 1) * size,
        east=(max(xs) + 1) * size,
    )
    return list(found.order_by().values(*_PIN_FIELDS)[:limit])


def _pin(row: dict[str, Any], municipality: Municipality) -> dict[str, Any]:
    """A report's pin: numbers and codes for the script, labels in the reader's language."""
    category = Category(name=row["category__name"], name_en=row["category__name_en"])
    day = timezone.localdate(row["created_at"], zone_of(municipality))
    return {
        "id": row["id"],
        "lat": row["latitude"],
        "lon": row["longitude"],
        "status": row["status"],
        "status_label": str(Status(row["status"]).label),
        "category": category.title,
        "created": day.isoformat(),
        "created_label": date_format(day, "DATE_FORMAT"),
    }


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
