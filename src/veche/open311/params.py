"""Open311 parameters read from a request: an empty parameter is the same as an absent one."""

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from veche.core.errors import DomainError
from veche.core.text import unstorable
from veche.open311.formats import parse_w3c
from veche.open311.selectors import CLOSED, OPEN, Near, RequestQuery

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_RADIUS_M = 100_000
DEFAULT_RADIUS_M = 1000
# Dates in other years (as written, in their own offset) are refused: no request is older or
# newer, and near the calendar's edges (year 1, year 9999) an offset or the 90 days' window would
# leave what `datetime` can hold.
YEARS = range(1900, 3000)
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def get(data: Mapping[str, str], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        return ""
    # No database column holds a NUL (PostgreSQL refuses the query), and no parameter needs one.
    if unstorable(value):
        raise DomainError(f"{name} must not contain a NUL character.")
    return value.strip()


def merged(request: HttpRequest) -> QueryDict:
    """POST parameters, with those of the query string where the body has none."""
    data = request.GET.copy()
    for name, values in request.POST.lists():
        data.setlist(name, values)
    return data


def attributes(data: QueryDict) -> dict[str, list[str]]:
    """attribute[CODE]=v and attribute[CODE][]=v1&attribute[CODE][]=v2, by code; any other key
    under attribute[ (attribute[a][b], attribute[code][][]) is refused by name."""
    found: dict[str, list[str]] = {}
    refused: dict[str, list[str]] = {}
    for name, values in data.lists():
        match = _ATTRIBUTE.match(name)
        if match:
            found.setdefault(match.group(1), []).extend(values)
        elif name.startswith("attribute["):
            refused[name] = ["Send attribute[CODE]=v, or attribute[CODE][]=v for a list; nothing else nests."]
    if refused:
        raise DomainError("The attributes are not in the form GeoReport takes.", fields=refused)
    return found


def _int(data: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = get(data, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise DomainError(f"{name} must be a whole number from {low} to {high}.")
    return value


def _float(data: Mapping[str, str], name: str, low: float, high: float) -> float:
    try:
        value = float(get(data, name))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise DomainError(f"{name} must be a number from {low:g} to {high:g}.")
    return value


def extensions(data: Mapping[str, str]) -> bool:
    raw = get(data, "extensions").lower()
    if raw not in ("", "true", "false"):
        raise DomainError("extensions must be true or false.")
    return raw == "true"


def _date(data: Mapping[str, str], name: str, tz: ZoneInfo) -> datetime | None:
    raw = get(data, name)
    if not raw:
        return None
    moment = parse_w3c(raw, tz)
    if moment is None:
        raise DomainError(f"{name} must be a W3C date-time, such as 2010-01-01T00:00:00Z.")
    if moment.year not in YEARS:
        raise DomainError(f"{name} must be a date-time from the year {YEARS[0]} to {YEARS[-1]}.")
    return moment


def date_range(
    data: Mapping[str, str], tz: ZoneInfo, now: datetime | None = None
) -> tuple[datetime, datetime | None]:
    """start_date and end_date: at most 90 days apart; the most recent 90 days when not given."""
    start, end = _date(data, "start_date", tz), _date(data, "end_date", tz)
    if start is None:
        if end is None:
            return (now or timezone.now()) - MAX_SPAN, None
        return end - MAX_SPAN, end
    if end is not None:
        if end < start:
            raise DomainError("end_date must not be before start_date.")
        if end - start > MAX_SPAN:
            raise DomainError("start_date and end_date may not span more than 90 days.")
        return start, end
    return start, start + MAX_SPAN


def paging(data: Mapping[str, str]) -> tuple[int, int]:
    """(offset, limit) from the paging extension: page from 1, page_size up to 1,000 (the default)."""
    size = _int(data, "page_size", MAX_RESULTS, 1, MAX_RESULTS)
    page = _int(data, "page", 1, 1, 1_000_000)
    return (page - 1) * size, size


def _ids(raw: str) -> tuple[int, ...]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if len(parts) > MAX_RESULTS:
        raise DomainError(f"At most {MAX_RESULTS} service_request_id values at once.")
    try:
        ids = tuple(int(part) for part in parts)
    except ValueError:
        raise DomainError("service_request_id must be a comma-separated list of request ids.") from None
    return tuple(i for i in ids if 0 < i < 2**63)


def _statuses(raw: str) -> frozenset[str]:
    statuses = frozenset(part.strip().lower() for part in raw.split(",") if part.strip())
    if not statuses <= {OPEN, CLOSED}:
        raise DomainError("status must be open, closed, or both, comma-separated.")
    return statuses


def _near(data: Mapping[str, str]) -> Near | None:
    lat, lon, radius = get(data, "lat"), get(data, "long"), get(data, "radius")
    if not (lat or lon or radius):
        return None
    if not (lat and lon):
        raise DomainError("The radius search needs lat and long.")
    return Near(
        latitude=_float(data, "lat", -90, 90),
        longitude=_float(data, "long", -180, 180),
        radius_m=_float(data, "radius", 1, MAX_RADIUS_M) if radius else DEFAULT_RADIUS_M,
    )


def request_query(data: Mapping[str, str], tz: ZoneInfo) -> RequestQuery:
    raw_ids = get(data, "service_request_id")
    if raw_ids:
        # "This overrides all other arguments."
        return RequestQuery(ids=_ids(raw_ids))
    start, end = date_range(data, tz)
    offset, limit = paging(data)
    codes = tuple(dict.fromkeys(c.strip() for c in get(data, "service_code").split(",") if c.strip()))
    return RequestQuery(
        service_codes=codes,
        start=start,
        end=end,
        statuses=_statuses(get(data, "status")),
        near=_near(data),
        offset=offset,
        limit=limit,
    )
