"""Hostile input to the Open311 endpoints: always the spec's error list, never a 500 or Django's page."""

from urllib.parse import quote

import pytest
from django.conf import settings

from veche.open311.tests.helpers import BASE, as_json, errors, valid_fields
from veche.reports.models import Report

pytestmark = pytest.mark.django_db

EDGE_DATES = [
    "9999-12-31T23:59:59Z",
    "9999-12-31",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+05:00",
    "0000-01-01",
    "10000-01-01",
    "1899-12-31T23:59:59Z",
    "3000-01-01",
]


@pytest.mark.parametrize("resource", ["requests", "servicerequestupdates"])
@pytest.mark.parametrize("name", ["start_date", "end_date"])
@pytest.mark.parametrize("value", EDGE_DATES)
def test_dates_at_the_calendar_s_edges_are_400(client, municipality, resource, name, value):
    query = f"{name}={quote(value)}"
    response = client.get(f"{BASE}/{resource}.xml?{query}")
    assert response.status_code == 400, response.content
    [(code, description)] = errors(response)
    assert code == "400"
    assert description.startswith(f"{name} must be")
    response = client.get(f"{BASE}/{resource}.json?{query}")
    assert response.status_code == 400
    assert [error["code"] for error in as_json(response)] == [400]


@pytest.mark.parametrize("resource", ["requests", "servicerequestupdates"])
def test_dates_within_the_range_are_taken(client, municipality, resource):
    for query in ("start_date=1900-01-01T00:00:00Z", "end_date=2999-12-31T23:59:59Z"):
        assert client.get(f"{BASE}/{resource}.json?{query}").status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_too_many_fields_are_the_spec_s_400(post, secret, definition, fmt):
    fields = valid_fields(secret, **{f"x{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
    response = post(fields, fmt)
    assert response.status_code == 400
    found = (
        errors(response) if fmt == "xml" else [(str(e["code"]), e["description"]) for e in as_json(response)]
    )
    assert found == [("400", f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields.")]
    assert not Report.objects.exists()


def test_too_many_fields_in_the_query_string_are_the_spec_s_400(client, municipality):
    query = "&".join(f"x{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400
    assert [error["code"] for error in as_json(response)] == [400]


@pytest.mark.parametrize("name", ["attribute[height][x]", "attribute[issues][][]", "attribute[place][0]"])
def test_a_nested_attribute_key_is_refused_by_name(post, secret, definition, name):
    before = Report.objects.count()
    response = post(valid_fields(secret, **{name: "1"}), "json")
    assert response.status_code == 400
    descriptions = [error["description"] for error in as_json(response)]
    assert any(d.startswith(f"{name}: ") for d in descriptions), descriptions
    assert Report.objects.count() == before


def test_a_nested_key_under_a_valid_attribute_is_refused_in_xml(post, secret, definition):
    response = post(valid_fields(secret, **{"attribute[a][b]": "1"}))
    assert response.status_code == 400
    assert [d for _c, d in errors(response) if d.startswith("attribute[a][b]: ")]
    assert not Report.objects.exists()


def test_a_body_over_django_s_limit_is_the_spec_s_400(post, secret, definition):
    response = post(
        valid_fields(secret, description="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)), "json"
    )
    assert response.status_code == 400
    assert [error["code"] for error in as_json(response)] == [400]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("resource", "name"),
    [
        ("requests", "jurisdiction_id"),
        ("requests", "status"),
        ("requests", "service_code"),
        ("requests", "start_date"),
        ("servicerequestupdates", "jurisdiction_id"),
        ("servicerequestupdates", "start_date"),
    ],
)
def test_a_nul_in_a_parameter_is_the_spec_s_400(client, municipality, resource, name):
    """PostgreSQL cannot compare a text holding NUL: the parameter is refused by name, not a 500."""
    response = client.get(f"{BASE}/{resource}.json?{name}=a%00b")
    assert response.status_code == 400, response.content
    assert as_json(response) == [{"code": 400, "description": f"{name} must not contain a NUL character."}]
