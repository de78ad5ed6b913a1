"""servicerequestupdates, tokens, and the rule that no GET shows who reported a problem."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from veche.open311.tests.helpers import BASE, as_json, errors, parse, valid_fields
from veche.reports import services as report_services

pytestmark = pytest.mark.django_db


def test_updates_list_status_changes_with_rich_states(client, public, official, photo):
    report = public()
    report_services.report_start(official=official, report=report)
    report_services.report_resolve(
        official=official, report=report, answer="Replaced the lamp", photos=[photo()]
    )
    root = parse(client.get(f"{BASE}/servicerequestupdates.xml"))
    assert root.tag == "service_requests_updates"
    updates = root.findall("request_update")
    assert [child.tag for child in updates[0]] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ]
    assert {u.findtext("service_request_id") for u in updates} == {str(report.pk)}
    assert [u.findtext("status") for u in updates] == ["open", "open", "open", "in_progress", "fixed"]
    assert "Replaced the lamp" in updates[-1].findtext("description")

    document = as_json(client.get(f"{BASE}/servicerequestupdates.json?page_size=2&page=3"))
    assert [u["status"] for u in document] == ["fixed"]


def test_updates_take_a_date_window(client, public):
    report = public()
    later = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert as_json(client.get(f"{BASE}/servicerequestupdates.json?start_date={later}")) == []
    earlier = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = as_json(client.get(f"{BASE}/servicerequestupdates.json?start_date={earlier}"))
    assert {u["service_request_id"] for u in found} == {str(report.pk)}
    response = client.get(f"{BASE}/servicerequestupdates.xml?start_date=2020-01-01&end_date=2021-01-01")
    assert response.status_code == 400


def test_updates_of_reports_not_public_are_not_listed(client, filed):
    filed()
    assert as_json(client.get(f"{BASE}/servicerequestupdates.json")) == []


def test_a_public_request_id_is_still_its_own_token(client, public, filed):
    """As before tokens were issued; kept for clients that call tokens/{id}."""
    report = public()
    root = parse(client.get(f"{BASE}/tokens/{report.pk}.xml"))
    assert root.tag == "service_requests"
    assert [(r.findtext("service_request_id"), r.findtext("token")) for r in root.findall("request")] == [
        (str(report.pk), str(report.pk))
    ]
    assert as_json(client.get(f"{BASE}/tokens/{report.pk}.json")) == [
        {"service_request_id": str(report.pk), "token": str(report.pk)}
    ]
    waiting = filed()
    response = client.get(f"{BASE}/tokens/{waiting.pk}.xml")
    assert response.status_code == 404
    assert errors(response) == [("404", f"token '{waiting.pk}' was not found.")]


PERSONAL = ["anna@example.org", "Anna", "Secretova", "900 123", "device-42", "acc-7"]


def test_no_get_shows_who_reported(client, post, secret, definition, moderator, official, photo):
    response = post(valid_fields(secret, description="Dark street"), "json")
    token = as_json(response)[0]["token"]
    report = report_services.report_moderate(moderator=moderator, report=definition[0].category.reports.get())
    report_id = str(report.pk)
    report_services.report_resolve(official=official, report=report, answer="Done", photos=[photo()])
    urls = [
        "discovery",
        "services",
        "services/light",
        "requests",
        "requests?extensions=true",
        f"requests/{report_id}",
        f"requests/{report_id}?extensions=true",
        f"requests?service_request_id={report_id}",
        f"tokens/{report_id}",
        f"tokens/{token}",
        "servicerequestupdates",
    ]
    for url in urls:
        path, _, query = url.partition("?")
        for fmt in ("xml", "json"):
            response = client.get(f"{BASE}/{path}.{fmt}?{query}")
            assert response.status_code == 200, url
            body = response.content.decode()
            assert report_id in body or not ("request" in path or path.startswith("tokens")), url
            for secret_text in PERSONAL:
                assert secret_text not in body, (url, secret_text)


@pytest.mark.parametrize(
    ("path", "root", "item"),
    [
        ("discovery", "discovery", None),
        ("services", "services", "service"),
        ("services/light", "service_definition", None),
        ("requests", "service_requests", "request"),
        ("requests/{id}", "service_requests", "request"),
        ("tokens/{id}", "service_requests", "request"),
        ("servicerequestupdates", "service_requests_updates", "request_update"),
    ],
)
def test_every_endpoint_is_well_formed_in_both_formats(client, public, path, root, item):
    report = public(description='Quotes " and <tags> & \x0b control characters')
    path = path.format(id=report.pk)
    element = parse(client.get(f"{BASE}/{path}.xml?extensions=true"))
    assert element.tag == root
    assert not element.attrib and "}" not in element.tag  # no namespace
    document = as_json(client.get(f"{BASE}/{path}.json?extensions=true"))
    if item is None:
        assert isinstance(document, dict)
    else:
        assert isinstance(document, list) and len(document) == len(element.findall(item)) >= 1
    json.dumps(document)
