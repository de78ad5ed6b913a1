"""GET requests: only public reports, every filter, the extensions, one query per page."""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.moderation.services import content_hide
from veche.municipalities.models import Category, Department
from veche.open311.tests.helpers import BASE, as_json, errors, parse
from veche.reports import services as report_services
from veche.reports.models import Report

pytestmark = pytest.mark.django_db

CENTRE = (55.75, 37.61)


@pytest.fixture
def make(submit, moderator, resident):
    """A public report (routed), filed `days_ago` days ago."""

    def build(days_ago: float = 0, **kwargs) -> Report:
        when = timezone.now() - timedelta(days=days_ago)
        report = submit(resident, now=when, **kwargs)
        return report_services.report_moderate(moderator=moderator, report=report, now=when)

    return build


def ids(response) -> list[int]:
    return [int(r.findtext("service_request_id")) for r in parse(response).findall("request")]


def test_only_public_visible_reports_are_listed(client, make, submit, resident, moderator):
    shown = make()
    submit(resident)  # awaiting moderation
    declined = submit(resident)
    report_services.report_decline(moderator=moderator, report=declined, reason="Spam")
    hidden = make()
    content_hide(moderator=moderator, content=hidden, reason="Personal data")
    assert ids(client.get(f"{BASE}/requests.xml")) == [shown.pk]
    assert client.get(f"{BASE}/requests/{hidden.pk}.xml").status_code == 404
    assert client.get(f"{BASE}/requests/{declined.pk}.json").status_code == 404


def test_the_fields_of_a_request(client, make, official, photo):
    report = make(address="Tverskaya 1", photos=[photo()])
    root = parse(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert request.findtext("service_request_id") == str(report.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "light"
    assert request.findtext("agency_responsible") == "Дороги"
    assert request.findtext("requested_datetime").endswith("+03:00")  # Europe/Moscow, with the offset
    assert request.findtext("expected_datetime").startswith(report.answer_due.isoformat())
    assert (float(request.findtext("lat")), float(request.findtext("long"))) == (55.75, 37.61)
    assert request.findtext("media_url").startswith("http")

    report_services.report_resolve(
        official=official, report=report, answer="Fixed the lamp", photos=[photo()]
    )
    document = as_json(client.get(f"{BASE}/requests.json"))
    assert document[0]["status"] == "closed"
    assert document[0]["status_notes"] == "Fixed the lamp"
    assert document[0]["service_notice"] is None and document[0]["zipcode"] is None
    assert isinstance(document[0]["lat"], float)


def test_a_page_names_each_request_s_own_department_and_district(client, make, official, municipality):
    """The names come from their own query: a reassigned report names the department it is with
    now (not its category's), and a report with no district has none."""
    parks = Department.objects.create(municipality=municipality, name="Парки", name_en="Parks")
    district = municipality.districts.order_by("slug").first()
    kept, moved = make(district=district), make()
    report_services.report_reassign(official=official, report=moved, department=parks, reason="Their lamp")
    page = as_json(client.get(f"{BASE}/requests.json?extensions=true", HTTP_ACCEPT_LANGUAGE="en"))
    by_id = {int(document["service_request_id"]): document for document in page}
    assert by_id[moved.pk]["agency_responsible"] == "Parks"
    assert by_id[kept.pk]["agency_responsible"] != "Parks"
    assert by_id[kept.pk]["extended_attributes"]["district"] == (district.name_en or district.name)
    assert by_id[moved.pk]["extended_attributes"]["district"] is None
    assert by_id[moved.pk]["service_code"] == by_id[kept.pk]["service_code"] == "light"


def test_status_filter(client, make, official, photo):
    open_one = make()
    closed_one = report_services.report_resolve(
        official=official, report=make(), answer="Done", photos=[photo()]
    )
    assert ids(client.get(f"{BASE}/requests.xml?status=open")) == [open_one.pk]
    assert ids(client.get(f"{BASE}/requests.xml?status=closed")) == [closed_one.pk]
    assert set(ids(client.get(f"{BASE}/requests.xml?status=open,closed"))) == {open_one.pk, closed_one.pk}
    assert len(ids(client.get(f"{BASE}/requests.xml?status="))) == 2
    assert client.get(f"{BASE}/requests.xml?status=pending").status_code == 400


def test_service_code_filter_takes_a_list(client, make, municipality, photo):
    light = make()
    pothole = make(category=municipality.categories.get(slug="pothole"), photos=[photo()])
    assert ids(client.get(f"{BASE}/requests.xml?service_code=light")) == [light.pk]
    assert ids(client.get(f"{BASE}/requests.xml?service_code=pothole")) == [pothole.pk]
    assert set(ids(client.get(f"{BASE}/requests.xml?service_code=light,pothole"))) == {light.pk, pothole.pk}
    assert ids(client.get(f"{BASE}/requests.xml?service_code=unicorns")) == []


@pytest.fixture
def foreign_light(other_municipality):
    """A service with the same code in another jurisdiction, made before ours (a lower id)."""
    return Category.objects.create(
        municipality=other_municipality,
        department=other_municipality.departments.first(),
        slug="light",
        name="Свет",
        answer_days=5,
        photo_required=False,
    )


def test_a_service_code_names_a_service_of_the_jurisdiction(client, foreign_light, make, municipality):
    report = make()
    assert foreign_light.pk < report.category_id
    query = f"jurisdiction_id={municipality.slug}&service_code=light"
    assert ids(client.get(f"{BASE}/requests.xml?{query}")) == [report.pk]


def test_service_request_id_overrides_every_other_filter(client, make, submit, resident):
    old = make(days_ago=200)
    new = make()
    private = submit(resident)
    url = (
        f"{BASE}/requests.xml?service_request_id={old.pk},{new.pk},{private.pk}&status=closed&service_code=x"
    )
    assert set(ids(client.get(url))) == {old.pk, new.pk}
    response = client.get(f"{BASE}/requests.xml?service_request_id=1,two")
    assert response.status_code == 400


def test_the_date_window(client, make):
    old = make(days_ago=100)
    recent = make(days_ago=10)
    assert ids(client.get(f"{BASE}/requests.xml")) == [recent.pk]  # the last 90 days by default
    start = (timezone.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(f"{BASE}/requests.xml?start_date={start}&end_date={end}")) == [old.pk]
    assert ids(client.get(f"{BASE}/requests.xml?start_date={start}")) == [old.pk]  # start + 90 days
    assert ids(client.get(f"{BASE}/requests.xml?end_date={end}")) == [old.pk]  # end - 90 days
    local = (timezone.now() - timedelta(days=11)).astimezone().isoformat(timespec="seconds")
    assert ids(client.get(f"{BASE}/requests.xml?start_date={quote(local)}")) == [recent.pk]
    assert ids(client.get(f"{BASE}/requests.xml?start_date={local}")) == [recent.pk]  # "+" sent unencoded
    day = (timezone.localdate() - timedelta(days=11)).isoformat()
    assert ids(client.get(f"{BASE}/requests.xml?start_date={day}")) == [recent.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("start_date=2024-01-01T00:00:00Z&end_date=2024-05-01T00:00:00Z", "may not span more than 90 days"),
        ("start_date=2024-05-01T00:00:00Z&end_date=2024-01-01T00:00:00Z", "must not be before start_date"),
        ("start_date=yesterday", "start_date must be a W3C date-time"),
        ("page_size=1001", "page_size must be a whole number from 1 to 1000"),
        ("page=0", "page must be a whole number"),
        ("extensions=maybe", "extensions must be true or false"),
        ("lat=55.7", "The radius search needs lat and long"),
        ("lat=55.7&long=37.6&radius=-5", "radius must be a number"),
    ],
)
def test_bad_parameters_are_400(client, municipality, query, expected):
    response = client.get(f"{BASE}/requests.xml?{query}")
    assert response.status_code == 400
    assert expected in errors(response)[0][1]


def test_paging_newest_first(client, make):
    reports = [make(days_ago=days) for days in (5, 4, 3, 2, 1)]
    newest_first = [r.pk for r in reversed(reports)]
    assert ids(client.get(f"{BASE}/requests.xml")) == newest_first
    assert ids(client.get(f"{BASE}/requests.xml?page_size=2")) == newest_first[:2]
    assert ids(client.get(f"{BASE}/requests.xml?page_size=2&page=2")) == newest_first[2:4]
    assert ids(client.get(f"{BASE}/requests.xml?page_size=2&page=3")) == newest_first[4:]
    assert ids(client.get(f"{BASE}/requests.xml?page_size=2&page=4")) == []


def test_at_most_1000_by_default(client, make):
    from veche.open311.params import MAX_RESULTS

    assert MAX_RESULTS == 1000
    make()
    response = client.get(f"{BASE}/requests.xml?page_size=1000")
    assert response.status_code == 200


def test_radius_search_is_exact(client, make, public):
    lat, lon = CENTRE
    near = make(latitude=lat + 0.0027, longitude=lon)  # ~300 m north
    corner = make(latitude=lat + 0.0040, longitude=lon + 0.0070)  # in the 500 m box, ~620 m away
    far = make(latitude=lat + 0.05, longitude=lon)  # ~5.5 km
    placed_by_address = public(lat=None, long=None, address_string="Arbat 1")
    assert placed_by_address.pk
    found = ids(client.get(f"{BASE}/requests.xml?lat={lat}&long={lon}&radius=500"))
    assert found == [near.pk]
    found = ids(client.get(f"{BASE}/requests.xml?lat={lat}&long={lon}&radius=1000"))
    assert set(found) == {near.pk, corner.pk}
    found = ids(client.get(f"{BASE}/requests.xml?lat={lat}&long={lon}&radius=10000"))
    assert set(found) == {near.pk, corner.pk, far.pk}
    document = as_json(client.get(f"{BASE}/requests/{placed_by_address.pk}.json"))
    assert document[0]["lat"] is None and document[0]["long"] is None


def test_extensions_add_the_history(client, make, official, parks, photo):
    report = make()
    report_services.report_reassign(
        official=official, report=report, department=parks, reason="Internal: wrong team"
    )
    plain = parse(client.get(f"{BASE}/requests/{report.pk}.xml")).find("request")
    assert plain.find("notes") is None and plain.find("extended_attributes") is None

    request = parse(client.get(f"{BASE}/requests/{report.pk}.xml?extensions=true")).find("request")
    notes = request.findall("notes/note")
    assert [n.findtext("type") for n in notes] == ["submitted", "moderated", "routed", "reassigned"]
    assert all(n.findtext("datetime").endswith("+03:00") for n in notes)
    assert "wrong team" not in request.findtext("notes/note[4]/description")  # internal reasons stay inside
    assert request.findtext("extended_attributes/channel") == "web"

    second = make()
    report_services.report_resolve(
        official=official, report=second, answer="The lamp is back", photos=[photo()]
    )
    document = as_json(client.get(f"{BASE}/requests.json?extensions=true"))
    by_id = {int(r["service_request_id"]): r for r in document}
    assert by_id[second.pk]["notes"][-1]["type"] == "resolved"
    assert "The lamp is back" in by_id[second.pk]["notes"][-1]["description"]
    assert [n["type"] for n in by_id[report.pk]["notes"]][-1] == "reassigned"


def test_one_request_by_id(client, make):
    report = make()
    document = as_json(client.get(f"{BASE}/requests/{report.pk}.json"))
    assert isinstance(document, list) and document[0]["service_request_id"] == str(report.pk)
    assert client.get(f"{BASE}/requests/{report.pk + 1000}.xml").status_code == 404
    response = client.get(f"{BASE}/requests/abc.xml")
    assert response.status_code == 404
    assert errors(response) == [("404", "service_request_id 'abc' was not found.")]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", ["", "?extensions=true", "?lat=55.75&long=37.61&radius=5000&status=open"])
def test_the_number_of_queries_does_not_grow_with_the_page(client, make, public, query):
    for i in range(5):
        make(latitude=55.75 + i * 0.0001)
    public()
    small = _queries(client, f"{BASE}/requests.xml{query}")
    for i in range(45):
        make(latitude=55.75 + i * 0.0001)
    public()
    assert len(ids(client.get(f"{BASE}/requests.xml{query}"))) == 52
    assert _queries(client, f"{BASE}/requests.xml{query}") == small
    assert _queries(client, f"{BASE}/requests.json{query}") == small
    # The jurisdiction, the page, the names of its categories, departments and districts (and the
    # page's history).
    assert small == (4 if "extensions" in query else 3)


def test_json_mirrors_xml(client, make, public):
    make()
    public()
    xml_requests = parse(client.get(f"{BASE}/requests.xml?extensions=true")).findall("request")
    json_requests = as_json(client.get(f"{BASE}/requests.json?extensions=true"))
    assert len(xml_requests) == len(json_requests) == 2
    for element, document in zip(xml_requests, json_requests, strict=True):
        assert [child.tag for child in element] == list(document)
        for child in element:
            value = document[child.tag]
            if isinstance(value, list):
                assert len(child) == len(value)
            elif isinstance(value, dict):
                assert [c.tag for c in child] == list(value)
            elif value is None:
                assert not (child.text or "")
            else:
                assert (child.text or "") == (json.dumps(value) if isinstance(value, bool) else str(value))
