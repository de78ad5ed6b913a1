"""GET answers, byte for byte, against a straightforward rendering of the same reports.

The server reads a page as plain values, builds documents that JSON takes as they are and writes
XML as text. The reference here builds each document from the models, writes XML with ElementTree
and JSON by walking every value, as the server did before; any difference in a field, its order, a
null, an escape or a character stripped fails.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from veche.moderation.services import content_hide
from veche.municipalities.models import Category, Department, Municipality
from veche.open311 import documents, formats
from veche.open311.formats import Many, Ready
from veche.open311.models import RequestToken, Submission
from veche.open311.selectors import STATUS_EVENTS
from veche.open311.tests.helpers import BASE, valid_fields
from veche.reports import services as report_services
from veche.reports.models import AWAITING_ANSWER, EventKind, Report, ReportEvent, Status

# What XML 1.0 cannot carry, written out again rather than imported: the reference owns its rules.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ANSWERED = {Status.RESOLVED, Status.REJECTED, Status.CLOSED}
PUBLIC_NOTES = {EventKind.RESOLVED, EventKind.REJECTED, EventKind.COMMENT}
REPORTER = ("anna@example.org", "Anna", "Secretova", "+7 900 123-45-67", "device-42")
DESCRIPTION = 'Яма <script>alert("x")</script> & “кавычки”\x0b\x01 конец \x7f\u2028 🚧 \ufffe!'
ANSWER = "Заделали <b>яму</b> & \x01готово"


# --- the reference --------------------------------------------------------------------------------


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, Many):
        for child in value:
            _fill(ET.SubElement(element, value.item), child)
    else:
        element.text = _scalar_text(value)


def reference_xml(root: str, payload: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, payload)
    return (formats.DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


def reference_json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: reference_json_value(child) for name, child in value.items()}
    if isinstance(value, Many):
        return [reference_json_value(child) for child in value]
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    return value


def reference_json(payload: Any) -> bytes:
    return _compact(reference_json_value(payload))


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def written(fmt: str, content: bytes) -> bytes:
    """What the server wrote, byte for byte in XML. JSON is read back and written as the reference
    writes it: orjson and the standard library spell some numbers differently (1e-05 and 0.00001),
    and reading strictly checks that ours is valid UTF-8 JSON with the same values, types and order."""
    return _compact(json.loads(content.decode("utf-8"))) if fmt == "json" else content


def _title(thing: Any, english: bool) -> str:
    if thing is None:
        return ""
    return thing.name_en if english and thing.name_en else thing.name


def _w3c(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _note_text(event: ReportEvent) -> str:
    label = str(EventKind(event.kind).label)
    return f"{label}: {event.note}" if event.kind in PUBLIC_NOTES and event.note else label


def reference_request(report: Report, *, english: bool, history: bool) -> dict[str, Any]:
    """The document of one report, from the model and its relations."""
    tz = ZoneInfo(report.municipality.timezone)
    submission = Submission.objects.filter(report=report).first()
    photo = report.photos.filter(kind="report").order_by("created_at", "pk").first()
    approximate = submission is not None and submission.approximate_location
    if submission is not None and submission.media_url:
        media_url = submission.media_url
    elif photo is not None:
        url = default_storage.url(photo.image.name)
        media_url = f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url
    else:
        media_url = ""
    department = _title(report.department, english)
    document: dict[str, Any] = {
        "service_request_id": str(report.pk),
        "status": "open" if report.status in AWAITING_ANSWER else "closed",
        "status_notes": report.answer if report.status in ANSWERED else "",
        "service_name": _title(report.category, english),
        "service_code": report.category.slug,
        "description": report.description,
        "agency_responsible": department,
        "service_notice": documents.service_notice(report.status, department, report.answer_due),
        "requested_datetime": _w3c(report.created_at, tz),
        "updated_datetime": _w3c(report.updated_at, tz),
        "expected_datetime": datetime.combine(report.answer_due, time(23, 59, 59), tzinfo=tz).isoformat(
            timespec="seconds"
        ),
        "address": report.address,
        "address_id": submission.address_id if submission is not None else "",
        "zipcode": "",
        "lat": None if approximate else report.latitude,
        "long": None if approximate else report.longitude,
        "media_url": media_url,
    }
    if history:
        events = report.events.order_by("created_at", "pk")
        document["extended_attributes"] = {
            "channel": report.source,
            "district": _title(report.district, english),
        }
        document["notes"] = Many(
            "note",
            [
                {"datetime": _w3c(e.created_at, tz), "description": _note_text(e), "type": e.kind}
                for e in events
            ],
        )
    return document


def reference_update(event: ReportEvent) -> dict[str, Any]:
    tz = ZoneInfo(event.report.municipality.timezone)
    state = (
        "internal_referral"
        if event.kind == EventKind.REASSIGNED
        else documents.UPDATE_STATES[event.to_status]
    )
    return {
        "update_id": str(event.pk),
        "service_request_id": str(event.report_id),
        "status": state,
        "updated_datetime": _w3c(event.created_at, tz),
        "description": _note_text(event),
        "media_url": "",
    }


def render(fmt: str, root: str, payload: Any) -> bytes:
    return reference_json(payload) if fmt == "json" else reference_xml(root, payload)


# --- the reports -----------------------------------------------------------------------------------


@pytest.fixture
def awkward(
    municipality: Municipality,
    resident: Any,
    moderator: Any,
    official: Any,
    submit: Callable[..., Report],
    public: Callable[..., Report],
    photo: Callable[..., Any],
) -> dict[str, Report]:
    """Public reports with markup, control characters, Russian text, a photo, an answer, no place,
    no district; and two that no GET may show (hidden, awaiting moderation)."""
    department = Department.objects.get(pk=official.memberships.get().department_id)
    department.name, department.name_en = "Дороги & мосты", "Roads & <bridges>\x0b"
    department.save()
    holes = Category.objects.create(
        municipality=municipality,
        department=department,
        slug="holes",
        name="Ямы & <выбоины>",
        name_en="",
        answer_days=3,
        photo_required=False,
    )
    district = municipality.districts.order_by("slug").first()
    routed = report_services.report_moderate
    marked = routed(
        moderator=moderator,
        report=submit(
            resident,
            category=holes,
            district=district,
            description=DESCRIPTION,
            address="ул. Тверская, 1 & 2",
            photos=[photo()],
        ),
    )
    answered = report_services.report_resolve(
        official=official, report=marked, answer=ANSWER, photos=[photo()]
    )
    by_address = public(
        lat=None,
        long=None,
        address_string="Арбат 1",
        address_id="A&1",
        description="\x01\x02",
        media_url="https://img.example.org/lamp.jpg?size=big&v=2",
    )
    plain = routed(moderator=moderator, report=submit(resident, description="Фонарь не горит", address=""))
    # Open again after a dispute: the answer stays on the report, and off status_notes.
    disputed = report_services.report_dispute(
        author=resident,
        reason="Всё ещё темно",
        report=report_services.report_resolve(
            official=official,
            report=routed(moderator=moderator, report=submit(resident, description="Темно во дворе")),
            answer="Починили",
            photos=[photo()],
        ),
    )
    hidden = routed(moderator=moderator, report=submit(resident, description="Оскорбления"))
    content_hide(moderator=moderator, content=hidden, reason="Insults")
    submit(resident, description="Ждёт модерации")
    return {"answered": answered, "by_address": by_address, "plain": plain, "disputed": disputed}


def shown(awkward: dict[str, Report]) -> list[Report]:
    """The public reports, newest first, as the spec's order asks."""
    reports = Report.objects.filter(pk__in=[r.pk for r in awkward.values()])
    return sorted(reports, key=lambda r: (-r.created_at.timestamp(), r.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_page_is_exactly_the_reference(client, awkward, language, fmt):
    reports = shown(awkward)
    assert len(reports) == 4
    for query, history in (("", False), ("?extensions=true", True), ("?page_size=2&page=2", False)):
        with translation.override(language):
            documents_ = [reference_request(r, english=language == "en", history=history) for r in reports]
        if "page=2" in query:
            documents_ = documents_[2:]
        response = client.get(f"{BASE}/requests.{fmt}{query}", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert written(fmt, response.content) == render(fmt, "service_requests", Many("request", documents_))
        assert not any(secret.encode() in response.content for secret in REPORTER)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_its_token_and_the_updates_are_exactly_the_reference(client, awkward, fmt):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    for report in awkward.values():
        with translation.override("en"):
            expected = Many("request", [reference_request(report, english=True, history=True)])
        response = client.get(f"{BASE}/requests/{report.pk}.{fmt}?extensions=true", **english)
        assert written(fmt, response.content) == render(fmt, "service_requests", expected)
        token = Many("request", [{"service_request_id": str(report.pk), "token": str(report.pk)}])
        response = client.get(f"{BASE}/tokens/{report.pk}.{fmt}")
        assert written(fmt, response.content) == render(fmt, "service_requests", token)
    issued = RequestToken.objects.get(report=awkward["by_address"]).token
    token = Many("request", [{"service_request_id": str(awkward["by_address"].pk), "token": issued}])
    response = client.get(f"{BASE}/tokens/{issued}.{fmt}")
    assert written(fmt, response.content) == render(fmt, "service_requests", token)
    events = ReportEvent.objects.filter(report__in=list(awkward.values()), kind__in=STATUS_EVENTS)
    with translation.override("en"):
        updates = Many("request_update", [reference_update(e) for e in events.order_by("created_at", "pk")])
    response = client.get(f"{BASE}/servicerequestupdates.{fmt}", **english)
    assert written(fmt, response.content) == render(fmt, "service_requests_updates", updates)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_post_answer_and_a_waiting_token_are_exactly_the_reference(post, secret, definition, client, fmt):
    response = post(valid_fields(secret, account_id="A&<1>"), fmt, HTTP_ACCEPT_LANGUAGE="en")
    report = Report.objects.get()
    issued = RequestToken.objects.get(report=report).token
    due = report.answer_due.isoformat()
    notice = f"A moderator checks the request first; then Roads is to answer by {due}."
    answer = Many("request", [{"token": issued, "service_notice": notice, "account_id": "A&<1>"}])
    assert written(fmt, response.content) == render(fmt, "service_requests", answer)
    waiting = Many("request", [{"service_request_id": None, "token": issued}])
    response = client.get(f"{BASE}/tokens/{issued}.{fmt}")
    assert written(fmt, response.content) == render(fmt, "service_requests", waiting)


@pytest.mark.django_db
def test_the_awkward_values_as_the_reference_writes_them(client, awkward):
    """The reference itself, pinned on the values that matter: markup escaped, characters XML
    cannot carry stripped in both formats, empty text null (or empty where only such characters
    were), no place for a report placed by address."""
    answered, by_address = awkward["answered"], awkward["by_address"]
    page = client.get(f"{BASE}/requests.json", HTTP_ACCEPT_LANGUAGE="en").json()
    by_id = {document["service_request_id"]: document for document in page}
    first = by_id[str(answered.pk)]
    assert first["description"] == 'Яма <script>alert("x")</script> & “кавычки” конец \x7f\u2028 🚧 !'
    assert first["status_notes"] == "Заделали <b>яму</b> & готово"
    assert (first["service_name"], first["agency_responsible"]) == ("Ямы & <выбоины>", "Roads & <bridges>")
    assert first["media_url"].startswith(settings.SITE_URL.rstrip("/") + "/")
    second = by_id[str(by_address.pk)]
    assert (second["description"], second["lat"], second["long"]) == ("", None, None)
    assert (second["address_id"], second["zipcode"]) == ("A&1", None)
    disputed = by_id[str(awkward["disputed"].pk)]
    assert awkward["disputed"].answer and (disputed["status"], disputed["status_notes"]) == ("open", None)
    xml = client.get(f"{BASE}/requests.xml").content.decode()
    assert '<description>Яма &lt;script&gt;alert("x")&lt;/script&gt; &amp; “кавычки” конец' in xml
    assert "<address_id>A&amp;1</address_id>" in xml and "<description />" in xml and "<lat />" in xml


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?page_size=20&page=2", "?lat=55.75&long=37.61&radius=5000", "?service_code=light&page_size=20&page=2"],
)
def test_later_pages_circles_and_one_service_take_no_more_queries(client, submit, resident, moderator, query):
    """They choose the page's ids first, inside the same query."""
    for i in range(25):
        report_services.report_moderate(
            moderator=moderator, report=submit(resident, latitude=55.75 + i * 0.0001)
        )
    with CaptureQueriesContext(connection) as first_page:
        assert client.get(f"{BASE}/requests.json").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{BASE}/requests.json{query}")
    assert len(response.json()) == (5 if "page=2" in query else 25)
    assert len(captured.captured_queries) == len(first_page.captured_queries) == 3


# --- the formats, on any document --------------------------------------------------------------------

names = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
# The numbers documents hold: ids, counts, orders, coordinates (never beyond 64 bits, never infinite).
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
payloads = st.recursive(
    scalars,
    lambda inner: (
        st.dictionaries(names, inner, max_size=4) | st.builds(Many, names, st.lists(inner, max_size=3))
    ),
    max_leaves=16,
).filter(lambda value: isinstance(value, dict | Many))


def ready(value: Any, inside: bool = False) -> Any:
    """The document as the server builds a page's: objects `Ready`, every text in them through
    `formats.text` (a list outside any object is walked, and keeps its text as it is)."""
    if isinstance(value, dict):
        return Ready({name: ready(child, inside=True) for name, child in value.items()})
    if isinstance(value, Many):
        return Many(value.item, [ready(child, inside) for child in value])
    return formats.text(value) if inside and isinstance(value, str) else value


@given(names, payloads)
def test_xml_is_written_as_elementtree_writes_it(root, payload):
    assert formats.to_xml(root, payload) == reference_xml(root, payload)
    assert formats.to_xml(root, ready(payload)) == reference_xml(root, payload)


@given(payloads)
def test_ready_documents_are_the_json_of_the_walk(payload):
    expected = reference_json(payload)
    assert written("json", formats.to_json(payload)) == expected
    assert written("json", formats.to_json(ready(payload))) == expected
