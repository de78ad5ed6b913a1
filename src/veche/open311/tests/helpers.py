"""What the Open311 tests share besides fixtures: the base path, a valid request, readers of answers."""

import xml.etree.ElementTree as ET
from typing import Any

BASE = "/open311/v2"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def valid_fields(secret: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "api_key": secret,
        "service_code": "light",
        "lat": "55.7512",
        "long": "37.6184",
        "address_string": "Tverskaya 1",
        "description": "The lamp is dark every night",
        "attribute[height]": "7.5",
        "attribute[place]": "road",
        "attribute[issues][]": ["out", "bent"],
        "email": "anna@example.org",
        "first_name": "Anna",
        "last_name": "Secretova",
        "phone": "+7 900 123-45-67",
        "device_id": "device-42",
        "account_id": "acc-7",
        "media_url": "https://img.example.org/lamp.jpg",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def parse(response: Any) -> ET.Element:
    """The XML body, checked for the declaration and the content type on the way."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(XML_DECLARATION)
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def as_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def errors(response: Any) -> list[str]:
    root = parse(response)
    assert root.tag == "errors"
    return [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]
