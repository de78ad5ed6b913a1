"""Open311 documents as XML and JSON from one description, so that the JSON mirrors the XML.

A document is a root element name and a payload: a `dict` (an object; keys are element names, in
order) or `Many` (a list: in XML a wrapper whose children are all `item`, in JSON an array).
Values are str, int, float, bool or None; empty text and None are an empty element in XML and
null in JSON.
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all, escaped or not; text from people may contain them.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Many:
    item: str
    values: list[Any]


def clean_text(value: str) -> str:
    # Printable text holds none of them; only text with controls or line breaks needs the search.
    return value if value.isprintable() else _NOT_XML.sub("", value)


def w3c(moment: datetime | None, tz: Any = None) -> str | None:
    """ISO 8601 with the offset (the W3C profile the spec asks for), in `tz` when given."""
    if moment is None:
        return None
    if tz is not None:
        moment = moment.astimezone(tz)
    return moment.isoformat(timespec="seconds")


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return clean_text(str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, Many):
        for child in value.values:
            _fill(ET.SubElement(element, value.item), child)
    else:
        element.text = _scalar_text(value)


def to_xml(root: str, payload: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, payload)
    return (DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


def to_json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: to_json_value(child) for name, child in value.items()}
    if isinstance(value, Many):
        return [to_json_value(child) for child in value.values]
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return clean_text(value)
    return value


def respond(fmt: str, root: str, payload: Any, *, status: int = 200) -> HttpResponse:
    if fmt == JSON:
        body = json.dumps(to_json_value(payload), ensure_ascii=False).encode("utf-8")
    else:
        body = to_xml(root, payload)
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
