"""Checks of the GeoJSON boundaries (of districts and of municipalities) that staff type or paste."""

import json
from typing import Any

from django.utils.translation import gettext as _

from veche.core.errors import DomainError

MAX_POINTS = 20000


def _ring_ok(ring: Any) -> bool:
    if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
        return False
    for point in ring:
        if not (isinstance(point, list) and len(point) in (2, 3)):
            return False
        lon, lat = point[0], point[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
            return False
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return False
    return True


def parse_polygon(value: str | dict[str, Any] | None, field: str = "polygon") -> dict[str, Any] | None:
    """A GeoJSON Polygon or MultiPolygon geometry (or a Feature holding one), or None for empty;
    a refusal names the form's `field`."""
    if value in (None, "", {}):
        return None
    error = DomainError(
        fields={
            field: [
                _("Give a GeoJSON Polygon or MultiPolygon with closed rings of [longitude, latitude] points.")
            ]
        }
    )
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise error from None
    if not isinstance(value, dict):
        raise error
    if value.get("type") == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise error
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        raise error
    points = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(_ring_ok(r) for r in polygon):
            raise error
        points += sum(len(r) for r in polygon)
    if points > MAX_POINTS:
        raise DomainError(fields={field: [_("The boundary has too many points (at most 20,000).")]})
    return {"type": kind, "coordinates": coordinates}
