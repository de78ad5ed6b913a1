"""Reads of reports shared by pages, the JSON API and Open311: lists, filters, nearby, map clusters."""

import hashlib
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Floor
from django.utils import timezone

from veche.core.geo import bounding_box, haversine_m
from veche.municipalities.models import Category, Municipality
from veche.reports.models import AWAITING_ANSWER, PUBLIC, Report, ReportSupport, Status

NEARBY_RADIUS_M = 50
# The map groups reports into cells, MAP_TILE_CELLS to a side of a map tile (256 pixels).
MAP_TILE_CELLS = 4
# Clusters are cached by tile for this long, when an answer counted at least MAP_CACHE_FROM reports
# (fewer are read in a few milliseconds, and then the map is exact), for boxes of at most
# MAP_MAX_TILES tiles (a screen at its zoom is about 24).
MAP_CACHE_SECONDS = 60
MAP_CACHE_FROM = 5000
MAP_MAX_TILES = 64


@dataclass(frozen=True)
class ReportFilters:
    category: str = ""
    district: str = ""
    status: str = ""
    overdue: bool = False
    department: int | None = None


def public_reports(municipality: Municipality) -> QuerySet[Report]:
    return Report.objects.filter(municipality=municipality, status__in=PUBLIC, hidden_at__isnull=True)


def filter_reports(
    reports: QuerySet[Report], filters: ReportFilters, *, today: date | None = None
) -> QuerySet[Report]:
    # A category's and a district's municipality is always the report's. Saying so lets the database
    # find the one category (district) of that code first and read its reports by index, rather
    # than join the same code of every municipality (PostgreSQL then reads every open report).
    if filters.category:
        reports = reports.filter(category__slug=filters.category, category__municipality=F("municipality"))
    if filters.district:
        reports = reports.filter(district__slug=filters.district, district__municipality=F("municipality"))
    if filters.status == "open":
        reports = reports.filter(status__in=AWAITING_ANSWER)
    elif filters.status in Status.values:
        reports = reports.filter(status=filters.status)
    if filters.department is not None:
        reports = reports.filter(department_id=filters.department)
    if filters.overdue:
        reports = overdue(reports, today=today)
    return reports


def overdue(reports: QuerySet[Report], *, today: date | None = None) -> QuerySet[Report]:
    return reports.filter(status__in=AWAITING_ANSWER, answer_due__lt=today or timezone.localdate())


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


def reports_within(
    reports: QuerySet[Report], *, latitude: float, longitude: float, radius_m: float
) -> QuerySet[Report]:
    """The index-friendly box around the circle; callers that need the exact circle filter after."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
    return reports.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))


def supported_by(reports: QuerySet[Report], user: Any) -> QuerySet[Report]:
    if not getattr(user, "is_authenticated", False):
        return reports
    return reports.annotate(supported=Exists(ReportSupport.objects.filter(report=OuterRef("pk"), user=user)))


def _cell_size(zoom: int) -> float:
    return 360.0 / (2 ** max(0, min(zoom, 20))) / MAP_TILE_CELLS  # a quarter of a map tile


def map_clusters(
    reports: QuerySet[Report], *, bbox: tuple[float, float, float, float], zoom: int
) -> list[dict[str, Any]]:
    """Reports in the box grouped into grid cells sized for the zoom level: one row per cell.

    The database does the grouping, so a map of a million reports sends a few hundred points.
    """
    south, west, north, east = bbox
    cell = _cell_size(zoom)
    in_box = reports.filter(latitude__range=(south, north), longitude__range=(west, east))
    if zoom >= 17:
        return [
            {"lat": r["latitude"], "lon": r["longitude"], "count": 1, "id": r["id"], "status": r["status"]}
            for r in in_box.values("id", "latitude", "longitude", "status")[:2000]
        ]
    rows = (
        in_box.annotate(
            cx=Floor(Cast(F("longitude"), FloatField()) / cell),
            cy=Floor(Cast(F("latitude"), FloatField()) / cell),
        )
        .values("cx", "cy")
        # Counting `status` (never null) rather than `id` keeps every column in the report_geo
        # index, so that PostgreSQL can answer from the index alone.
        .annotate(count=Count("status"), open=Count("status", filter=Q(status__in=AWAITING_ANSWER)))
        .order_by()
    )
    clusters = []
    for row in rows[:5000]:
        clusters.append(
            {
                "lat": (row["cy"] + 0.5) * cell,
                "lon": (row["cx"] + 0.5) * cell,
                "count": row["count"],
                "open": row["open"],
            }
        )
    return clusters


def public_map(
    municipality: Municipality,
    filters: ReportFilters,
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
) -> list[dict[str, Any]]:
    """The public map's clusters in the box, by map tile, each tile kept in the cache for a minute.

    Grouping the reports of a whole city takes the database a second or more, so the clusters of
    a tile are cached whenever the answer they came with counted many reports; a pan then reuses
    most tiles. Tiles are whole: the clusters of every tile the box touches count all its reports.
    Small answers and street-level points (zoom 17 and closer) are always read fresh, so they are
    exact.
    """
    reports = filter_reports(public_reports(municipality), filters)
    tile = _cell_size(zoom) * MAP_TILE_CELLS
    south, west, north, east = bbox
    xs = range(math.floor(west / tile), math.floor(east / tile) + 1)
    ys = range(math.floor(south / tile), math.floor(north / tile) + 1)
    if zoom >= 17 or len(xs) * len(ys) > MAP_MAX_TILES:
        return map_clusters(reports, bbox=bbox, zoom=zoom)
    # Overdue changes with the date; the rest of the key is the municipality, the filters and the tile.
    chosen = hashlib.sha256(f"{filters}:{timezone.localdate()}".encode()).hexdigest()[:16]
    prefix = f"reports:map:{municipality.pk}:{chosen}:{zoom}"
    keys = {f"{prefix}:{x}:{y}": (x, y) for x in xs for y in ys}
    found: dict[str, list[dict[str, Any]]] = cache.get_many(list(keys))
    missing = {keys[key]: key for key in keys if key not in found}
    if missing:
        fresh: dict[str, list[dict[str, Any]]] = {key: [] for key in missing.values()}
        box = (
            min(y for _, y in missing) * tile,
            min(x for x, _ in missing) * tile,
            (max(y for _, y in missing) + 1) * tile,
            (max(x for x, _ in missing) + 1) * tile,
        )
        for cluster in map_clusters(reports, bbox=box, zoom=zoom):
            # A cell's centre lies half a cell inside its tile, far from any rounding at the edges.
            key = missing.get((math.floor(cluster["lon"] / tile), math.floor(cluster["lat"] / tile)))
            if key is not None:
                fresh[key].append(cluster)
        if sum(c["count"] for clusters in fresh.values() for c in clusters) >= MAP_CACHE_FROM:
            cache.set_many(fresh, MAP_CACHE_SECONDS)
        found.update(fresh)
    return [cluster for key in keys for cluster in found[key]]


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


def workspace_counts(*, reports: QuerySet[Report], today: date | None = None) -> dict[str, int]:
    """How many reports wait in each step, and how many are overdue, in one query."""
    today = today or timezone.localdate()
    return reports.aggregate(
        submitted=Count("id", filter=Q(status=Status.SUBMITTED)),
        routed=Count("id", filter=Q(status=Status.ROUTED)),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
        answered=Count("id", filter=Q(status__in=[Status.RESOLVED, Status.REJECTED])),
        overdue=Count("id", filter=Q(status__in=AWAITING_ANSWER, answer_due__lt=today)),
    )
