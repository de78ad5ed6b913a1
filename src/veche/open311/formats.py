"""Open311 documents as XML and JSON from one description, so that the JSON mirrors the XML.

A document is a root element name and a payload: a `dict` (an object; keys are element names, in
order) or `Many` (a list: in XML a wrapper whose children are all `item`, in JSON an array).
Values are str, int, float, bool or None; empty text and None are an empty element in XML and
null in JSON, and text loses the characters XML cannot carry, in both.

A page holds a thousand requests, so their documents are built `Ready`: with the values JSON shows
already (text through `text()`), which orjson then writes as they are, without a second walk (it
writes a page of 1,000 in about 1 ms, the standard library's json in 5). XML is written as text
directly, exactly as ElementTree would write the same elements.
"""

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import orjson
from django.http import HttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all, escaped or not; text from people may contain them.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Many(list[Any]):
    """A list of values named `item`: in XML a wrapper whose children are all `item`, in JSON an
    array (json writes it as the list it is)."""

    __slots__ = ("item",)

    def __init__(self, item: str, values: Iterable[Any] = ()) -> None:
        super().__init__(values)
        self.item = item


class Ready(dict[str, Any]):
    """A document whose values are what JSON shows already: text through `text()`, numbers,
    booleans, None, and nested `Ready` documents or `Many` lists of them (or of such values)."""


def clean_text(value: str) -> str:
    # Printable text holds none of them; only text with controls or line breaks needs the search.
    return value if value.isprintable() else _NOT_XML.sub("", value)


def text(value: str | None) -> str | None:
    """Text as both formats show it: None when empty, without the characters XML cannot carry."""
    return clean_text(value) if value else None


def w3c(moment: datetime | None, tz: Any = None) -> str | None:
    """ISO 8601 with the offset (the W3C profile the spec asks for), in `tz` when given."""
    if moment is None:
        return None
    if tz is not None:
        moment = moment.astimezone(tz)
    return moment.isoformat(timespec="seconds")


# "HH" for every hour of a day, ":MM:SS" for every second of an hour.
_HOURS = tuple(f"{hour:02}" for hour in range(24))
_MINUTES_SECONDS = tuple(f":{second // 60:02}:{second % 60:02}" for second in range(3600))
_DAY = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class LocalTimes:
    """`w3c(moment, tz)` for the many moments of one answer, at about half its cost.

    A page of 1,000 requests writes 2,000 times, and converting each to the zone and writing it
    costs about 1 µs. Instead, the zone's offset is looked up once per day of UTC the answer
    touches (where it is the same at the day's first and last second; otherwise `w3c` writes that
    day's moments), and a moment's local time is then arithmetic on its seconds since the epoch,
    written from tables.
    """

    __slots__ = ("dates", "days", "tz")

    def __init__(self, tz: Any) -> None:
        self.tz = tz
        # UTC day (seconds since the epoch // 86400) -> (offset in seconds, "+03:00") or None.
        self.days: dict[int, tuple[int, str] | None] = {}
        # Local day -> "YYYY-MM-DD".
        self.dates: dict[int, str] = {}

    def __call__(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        # Whole seconds, as isoformat(timespec="seconds") writes them: rounded down, also before 1970.
        second = math.floor(moment.timestamp())
        day = second // _DAY
        if day not in self.days:
            self.days[day] = self._offset(day) if second >= 0 else None
        offset = self.days[day]
        if offset is None:
            return w3c(moment, self.tz)
        local_day, within = divmod(second + offset[0], _DAY)
        if local_day not in self.dates:
            self.dates[local_day] = date.fromordinal(_EPOCH_ORDINAL + local_day).isoformat()
        return f"{self.dates[local_day]}T{_HOURS[within // 3600]}{_MINUTES_SECONDS[within % 3600]}{offset[1]}"

    def _offset(self, day: int) -> tuple[int, str] | None:
        first = datetime.fromtimestamp(day * _DAY, self.tz)
        offset = first.utcoffset()
        if offset is None or offset != datetime.fromtimestamp(day * _DAY + _DAY - 1, self.tz).utcoffset():
            return None
        return int(offset.total_seconds()), first.isoformat(timespec="seconds")[19:]


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return clean_text(str(value))


def _escape(value: str) -> str:
    """Character data escaped as ElementTree escapes it (quotes stay: they need no escape there)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _write(parts: list[str], name: str, value: Any) -> None:
    """Append the element `name` holding `value`, as ElementTree writes it: `<name />` when it holds
    neither text nor children. Scalars are written in the loop, not by a call each: a page of
    requests has seventeen thousand of them."""
    if isinstance(value, dict):
        children: Iterable[tuple[str, Any]] = value.items()
    elif isinstance(value, Many):
        children = ((value.item, child) for child in value)
    else:
        content = _scalar_text(value)
        parts.append(f"<{name}>{_escape(content)}</{name}>" if content else f"<{name} />")
        return
    if not value:
        parts.append(f"<{name} />")
        return
    parts.append(f"<{name}>")
    for key, child in children:
        if child is None:
            parts.append(f"<{key} />")
        elif type(child) is str:
            content = child if child.isprintable() else _NOT_XML.sub("", child)
            if not content:
                parts.append(f"<{key} />")
            elif "&" in content or "<" in content or ">" in content:
                parts.append(f"<{key}>{_escape(content)}</{key}>")
            else:
                parts.append(f"<{key}>{content}</{key}>")
        else:
            _write(parts, key, child)
    parts.append(f"</{name}>")


def to_xml(root: str, payload: Any) -> bytes:
    parts = [DECLARATION]
    _write(parts, root, payload)
    return "".join(parts).encode("utf-8")


def to_json_value(value: Any) -> Any:
    if isinstance(value, Ready):
        return value
    if isinstance(value, dict):
        return {name: to_json_value(child) for name, child in value.items()}
    if isinstance(value, Many):
        return [child if isinstance(child, Ready) else to_json_value(child) for child in value]
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return clean_text(value)
    return value


def to_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON. Text in documents has been through `text()`, so it holds no lone
    surrogate, which orjson would refuse."""
    return orjson.dumps(to_json_value(payload))


def respond(fmt: str, root: str, payload: Any, *, status: int = 200) -> HttpResponse:
    body = to_json(payload) if fmt == JSON else to_xml(root, payload)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES[XML]))


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The spec's error list; the code of each error is the HTTP status."""
    payload = Many("error", [{"code": status, "description": text} for text in descriptions])
    return respond(fmt, "errors", payload, status=status)


_SPACE_FOR_PLUS = re.compile(r" (\d{2}:?\d{2})$")


def parse_w3c(value: str, tz: Any) -> datetime | None:
    """A W3C date-time (or a date, taken as midnight in `tz`); None if it is not one.

    A "+03:00" offset sent unencoded in a query string arrives as " 03:00"; it is read as meant.
    """
    value = _SPACE_FOR_PLUS.sub(r"+\1", value.strip())
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                return None
            moment = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware below
    except ValueError:
        return None
    return make_aware(moment, tz) if is_naive(moment) else moment
