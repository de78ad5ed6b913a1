"""Reads of municipalities shared by pages and the API."""

from datetime import date
from functools import partial
from typing import Any

from django.db.models import QuerySet, Subquery

from veche.core.calendar import add_working_days, is_working_day
from veche.core.geo import point_in_area
from veche.municipalities.models import CalendarDay, Category, District, Municipality


def municipalities_active() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_active=True).order_by("name")


def municipality_add_working_days(*, municipality: Municipality, start: date, days: int) -> date:
    """The deadline `days` working days after `start` in the municipality's calendar."""
    rows = CalendarDay.objects.filter(municipality=municipality, date__gt=start).values_list(
        "date", "is_working"
    )
    holidays = {d for d, working in rows if not working}
    extra = {d for d, working in rows if working}
    return add_working_days(start, days, partial(is_working_day, holidays=holidays, extra_working=extra))


def id_by_code(model: type[Category | District], municipality: Municipality, code: str) -> Subquery:
    """The id of the municipality's category or district with this code, as a subquery the database
    runs once (no such code: NULL, which equals no row). Filtering by it rather than joining the
    code's row lets the database read the reports of that one id in index order."""
    return Subquery(model.objects.filter(municipality=municipality, slug=code).order_by().values("pk")[:1])


def municipality_area(municipality: Municipality) -> list[dict[str, Any]]:
    """The GeoJSON geometries the municipality covers: its boundary; without one, its districts'
    polygons (their union); neither set, nothing, and then no place is refused."""
    if municipality.boundary:
        return [municipality.boundary]
    polygons = municipality.districts.filter(polygon__isnull=False).values_list("polygon", flat=True)
    return [polygon for polygon in polygons if polygon]


def municipality_contains(municipality: Municipality, latitude: float, longitude: float) -> bool:
    """Whether the point is in the municipality's area (always, while it has none)."""
    return point_in_area(longitude, latitude, municipality_area(municipality))
