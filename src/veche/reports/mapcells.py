"""The map's report counts per grid cell: kept up to date as reports change, summed into clusters.

A cell of zoom level z is a quarter of a 256-pixel map tile: 360 / 2**z / 4 degrees to a side,
x = floor(longitude / size), y = floor(latitude / size). Cell sizes halve exactly from one level to
the next, so the cell of a coarser level is the finer one's index shifted right: the stored levels
(LEVELS) serve every zoom below them too.

Each public report counts in three rows per level and status: all categories and districts (the
map without filters), its category, and its district; a map filtered by category and district at
once groups the reports themselves (there are few of them). An open report whose answer was due
before the municipality's `MapOverdueDay` also counts in an "overdue:<status>" row, for the map's
overdue filter; `advance_overdue_day` (the hourly tick) moves that day to today, and until it has
the overdue filter groups the reports themselves.

Every write that moves a report on or off the public map, or to another status, category,
district or place, calls `move(before, after)` in its transaction (the report services and the
moderation hook in reports/flaggable.py); bulk loads call `add_reports`. `rebuild` recounts a
municipality from its reports, `differences` says where the stored counts are wrong.
"""

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import QuerySet

from veche.municipalities.models import Category, District, Municipality
from veche.municipalities.selectors import id_by_code
from veche.reports.models import AWAITING_ANSWER, PUBLIC, MapCell, MapOverdueDay, Report

# Zoom levels with stored cells. Below the first, the first level's cells are summed; from the
# map's street zoom (17) on, the map shows single reports and reads them directly.
LEVELS = range(10, 17)
OPEN_ON_MAP = tuple(s.value for s in AWAITING_ANSWER if s in PUBLIC)
ON_MAP = tuple(s.value for s in PUBLIC)
OVERDUE = "overdue:"  # the status prefix of the overdue rows
_PUBLIC = frozenset(ON_MAP)
_UPSERT_ROWS = 500  # 8 parameters a row, well under SQLite's limit of 32,766 per statement


class MapKey(NamedTuple):
    """What puts a report in a cell row: its place, category, district and status."""

    municipality_id: int
    latitude: float
    longitude: float
    category_id: int
    district_id: int  # 0 for none
    status: str
    overdue: bool = False  # open, and its answer was due before the municipality's MapOverdueDay


# A cell row's key: municipality, level, category (0: all), district (0: all), x, y, status.
RowKey = tuple[int, int, int, int, int, int, str]
ALL = 0


def cell_size(zoom: int) -> float:
    return 360.0 / float(2 ** max(0, min(zoom, 20))) / 4


def cell_of(latitude: float, longitude: float, zoom: int) -> tuple[int, int]:
    size = cell_size(zoom)
    return math.floor(longitude / size), math.floor(latitude / size)


# The overdue day of a municipality the tick has not seen yet: nothing counts as overdue.
EPOCH = date(1970, 1, 1)


def overdue_day(municipality_id: int, *, lock: bool = True) -> date:
    """The day the municipality's overdue rows count up to (EPOCH until the first tick).

    Every change that moves a report reads it in its transaction under a share lock on PostgreSQL
    (SQLite runs one write at a time), after locking the report: a change waits for a running
    `advance_overdue_day` (which holds the row FOR UPDATE) to commit and then counts against the
    new day, and an advance waits for running changes and then reads the reports as they left them.
    The advance locks no report, so the two never wait for each other in a circle. The row is
    created on first use, so the lock always has a row to hold.
    """
    table = connection.ops.quote_name(MapOverdueDay._meta.db_table)
    share = " FOR SHARE" if lock and connection.vendor == "postgresql" else ""
    select = f"SELECT day FROM {table} WHERE municipality_id = %s{share}"  # noqa: S608 - a name
    with connection.cursor() as cursor:
        cursor.execute(select, [municipality_id])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {table} (municipality_id, day) VALUES (%s, %s) "  # noqa: S608 - a name
                "ON CONFLICT (municipality_id) DO NOTHING",
                [municipality_id, EPOCH],
            )
            cursor.execute(select, [municipality_id])
            row = cursor.fetchone()
    day = row[0]
    return day if isinstance(day, date) else date.fromisoformat(day)  # SQLite's cursor gives text


def counted_up_to(municipality: Municipality) -> date | None:
    """The stored overdue day, read without a lock or a write (for maps); None before any change."""
    return MapOverdueDay.objects.filter(municipality=municipality).values_list("day", flat=True).first()


def _lock_day(municipality: Municipality) -> date:
    """Hold the municipality's overdue-day row FOR UPDATE: no report change counts until commit."""
    overdue_day(municipality.pk, lock=False)
    return MapOverdueDay.objects.select_for_update().get(municipality=municipality).day


def key_of(report: Report, day: date, *, hidden: bool | None = None) -> MapKey | None:
    """Where `report` counts on the public map, or None if it is not on it; `day` is its
    municipality's overdue day (`overdue_day`).

    `hidden` overrides the report's own visibility (the moderation hook asks where it was).
    """
    is_hidden = report.hidden_at is not None if hidden is None else hidden
    if is_hidden or report.status not in _PUBLIC:
        return None
    return MapKey(
        report.municipality_id,
        report.latitude,
        report.longitude,
        report.category_id,
        report.district_id or 0,
        str(report.status),
        _is_overdue(str(report.status), report.answer_due, day),
    )


def _is_overdue(status: str, answer_due: date, day: date) -> bool:
    return status in OPEN_ON_MAP and answer_due < day


def _rows(key: MapKey) -> Iterable[RowKey]:
    base_x, base_y = cell_of(key.latitude, key.longitude, LEVELS[-1])
    grains = [(ALL, ALL), (key.category_id, ALL)]
    if key.district_id:
        grains.append((ALL, key.district_id))
    for level in LEVELS:
        shift = LEVELS[-1] - level
        x, y = base_x >> shift, base_y >> shift
        for category, district in grains:
            yield (key.municipality_id, level, category, district, x, y, key.status)
        if key.overdue:
            yield (key.municipality_id, level, ALL, ALL, x, y, OVERDUE + key.status)


def _count(keys: Iterable[MapKey], sign: int, into: Counter[RowKey]) -> None:
    for key in keys:
        for row in _rows(key):
            into[row] += sign


def move(before: MapKey | None, after: MapKey | None) -> None:
    """A report that counted at `before` (None: nowhere) now counts at `after`."""
    if before == after:
        return
    deltas: Counter[RowKey] = Counter()
    _count([k for k in (before,) if k is not None], -1, deltas)
    _count([k for k in (after,) if k is not None], +1, deltas)
    _upsert(deltas)


def add_reports(reports: Iterable[Report]) -> None:
    """Count reports written in bulk (without the services), such as `veche seed-reports` writes."""
    days: dict[int, date] = {}
    deltas: Counter[RowKey] = Counter()
    for report in reports:
        if report.municipality_id not in days:
            days[report.municipality_id] = overdue_day(report.municipality_id)
        key = key_of(report, days[report.municipality_id])
        if key is not None:
            _count([key], +1, deltas)
    _upsert(deltas)


def advance_overdue_day(municipality: Municipality, today: date) -> int:
    """Count as overdue the open reports whose answer fell due since the stored day, up to `today`;
    returns how many moved. A day in the past of the stored one moves nothing. Rows of deleted
    districts go too."""
    with transaction.atomic():
        since = _lock_day(municipality)
        _orphans(municipality).delete()
        if since >= today:
            return 0
        due = Report.objects.filter(
            municipality=municipality,
            status__in=OPEN_ON_MAP,
            hidden_at__isnull=True,
            answer_due__gte=since,
            answer_due__lt=today,
        )
        deltas: Counter[RowKey] = Counter()
        moved = 0
        # No report is locked: the day row keeps every change out until this commits (overdue_day).
        for report in due.only(*_KEY_MODEL_FIELDS).order_by("pk").iterator(chunk_size=5000):
            _count([k for k in (key_of(report, since),) if k is not None], -1, deltas)
            _count([k for k in (key_of(report, today),) if k is not None], +1, deltas)
            moved += 1
        _upsert(deltas)
        MapOverdueDay.objects.filter(municipality=municipality).update(day=today)
    return moved


def _upsert(deltas: Counter[RowKey]) -> None:
    """Add the deltas to the cell rows in one statement per few hundred rows.

    INSERT ... ON CONFLICT DO UPDATE is atomic on both databases, so concurrent changes to the same
    cell add up instead of overwriting each other.
    """
    # In key order: two changes touching the same cells lock their rows in the same order, so that
    # neither waits for a row the other holds while holding one it wants (a deadlock).
    rows = sorted((*key, delta) for key, delta in deltas.items() if delta)
    if not rows:
        return
    table = connection.ops.quote_name(MapCell._meta.db_table)
    key_columns = "municipality_id, level, category_key, district_key, x, y, status"
    columns = f"{key_columns}, count"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _UPSERT_ROWS):
            chunk = rows[start : start + _UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 - names, not input
                f"ON CONFLICT ({key_columns}) DO UPDATE SET count = {table}.count + excluded.count",
                [value for row in chunk for value in row],
            )


KEY_FIELDS = (
    "municipality_id",
    "latitude",
    "longitude",
    "category_id",
    "district_id",
    "status",
    "answer_due",
)
_KEY_MODEL_FIELDS = (
    "municipality",
    "latitude",
    "longitude",
    "category",
    "district",
    "status",
    "answer_due",
    "hidden_at",
)


def count_cells(rows: Iterable[tuple[Any, ...]], day: date) -> Counter[RowKey]:
    """The cell counts of public reports given as KEY_FIELDS tuples, with `day` the overdue day
    (the data migration uses it too)."""
    counts: Counter[RowKey] = Counter()
    for municipality_id, lat, lon, category_id, district_id, status, answer_due in rows:
        overdue = _is_overdue(status, answer_due, day)
        key = MapKey(municipality_id, lat, lon, category_id, district_id or 0, status, overdue)
        _count([key], +1, counts)
    return counts


def _recount(municipality: Municipality, day: date) -> Counter[RowKey]:
    public = Report.objects.filter(municipality=municipality, status__in=PUBLIC, hidden_at__isnull=True)
    return count_cells(public.order_by().values_list(*KEY_FIELDS).iterator(chunk_size=20_000), day)


def _orphans(municipality: Municipality) -> QuerySet[MapCell]:
    """Rows of deleted districts: their reports now have no district (and count in the other rows),
    and no map asks for a district that is gone, so they are never read; the tick deletes them."""
    districts = District.objects.filter(municipality=municipality).values("pk")
    return MapCell.objects.filter(municipality=municipality, district_key__gt=0).exclude(
        district_key__in=districts
    )


def _stored(municipality: Municipality) -> Counter[RowKey]:
    fields = ("municipality_id", "level", "category_key", "district_key", "x", "y", "status")
    stored: Counter[RowKey] = Counter()
    cells = MapCell.objects.filter(municipality=municipality).exclude(
        pk__in=_orphans(municipality).values("pk")
    )
    for values in cells.values_list(*fields, "count"):
        if values[-1]:
            stored[values[:-1]] = values[-1]
    return stored


def differences(municipality: Municipality) -> list[str]:
    """Every cell row whose stored count is not the number of public reports in it.

    It holds the municipality's overdue-day row while it counts, so report changes wait (a
    million reports take several seconds) and cannot show as differences.
    """
    with transaction.atomic():
        wanted = _recount(municipality, _lock_day(municipality))
        stored = _stored(municipality)
    return [
        f"level {key[1]} category {key[2]} district {key[3]} cell {key[4]},{key[5]} {key[6]}: "
        f"stored {stored.get(key, 0)}, counted {wanted.get(key, 0)}"
        for key in sorted(set(wanted) | set(stored), key=str)
        if wanted.get(key, 0) != stored.get(key, 0)
    ]


def rebuild(municipality: Municipality, today: date, *, progress: Callable[[int], None] | None = None) -> int:
    """Recount `municipality`'s cells from its reports, overdue as of `today`; returns the number of
    cell rows."""
    with transaction.atomic():
        _lock_day(municipality)
        MapOverdueDay.objects.filter(municipality=municipality).update(day=today)
        counts = _recount(municipality, today)
        MapCell.objects.filter(municipality=municipality).delete()
        rows = iter(counts.items())
        written = 0
        while batch := list(itertools.islice(rows, 5000)):
            MapCell.objects.bulk_create(
                MapCell(
                    municipality_id=m,
                    level=level,
                    category_key=category,
                    district_key=district,
                    x=x,
                    y=y,
                    status=status,
                    count=n,
                )
                for (m, level, category, district, x, y, status), n in batch
            )
            written += len(batch)
            if progress is not None:
                progress(written)
    return len(counts)


def _key_of(model: type[Category | District], municipality: Municipality, code: str) -> Any:
    """The id of the municipality's category or district of that code, as a subquery (no match: NULL,
    which equals no row); ALL without a code."""
    return id_by_code(model, municipality, code) if code else ALL


def clusters(
    municipality: Municipality,
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category: str = "",
    district: str = "",
    statuses: tuple[str, ...] = ON_MAP,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """Clusters of the public reports in every cell of `zoom` that the box touches, from the cells:
    of one category or of one district (codes; not both), in `statuses`; with `overdue`, only the
    overdue ones (of all categories and districts, counted as of the stored overdue day)."""
    if category and district or overdue and (category or district):
        raise ValueError("the cells count by category, by district or overdue, one at a time")
    if zoom > LEVELS[-1]:
        raise ValueError(f"the cells count up to zoom {LEVELS[-1]}; from there the map shows single reports")
    south, west, north, east = bbox
    level = max(zoom, LEVELS[0])
    shift = level - zoom
    (x0, y0), (x1, y1) = cell_of(south, west, zoom), cell_of(north, east, zoom)
    cells: QuerySet[MapCell] = MapCell.objects.filter(
        municipality=municipality,
        level=level,
        category_key=_key_of(Category, municipality, category),
        district_key=_key_of(District, municipality, district),
        x__range=(x0 << shift, ((x1 + 1) << shift) - 1),
        y__range=(y0 << shift, ((y1 + 1) << shift) - 1),
    )
    wanted = [OVERDUE + s for s in statuses if s in OPEN_ON_MAP] if overdue else list(statuses)
    cells = cells.filter(status__in=wanted)
    summed: dict[tuple[int, int], list[int]] = {}
    for x, y, status, count in cells.values_list("x", "y", "status", "count"):
        counts = summed.setdefault((x >> shift, y >> shift), [0, 0])
        counts[0] += count
        if overdue or status in OPEN_ON_MAP:
            counts[1] += count
    size = cell_size(zoom)
    return [
        {"lat": (y + 0.5) * size, "lon": (x + 0.5) * size, "count": n, "open": n_open}
        for (x, y), (n, n_open) in summed.items()
        if n > 0
    ]
