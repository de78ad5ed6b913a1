"""The OpenAPI description of the Open311 server (`openapi.py`) is served, and real answers fit it.

The fuzzing suite (tests/fuzz/test_open311.py) checks every answer to generated requests against it;
this holds the description to the answers of the ordinary cases, one of each document.
"""

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client

from veche.open311.openapi import description
from veche.open311.tests.helpers import BASE, valid_fields
from veche.reports.models import Report


def fits(document: Any, schema_name: str) -> list[str]:
    """How `document` breaks the description's component `schema_name` (nothing when it fits)."""
    validator = jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": description()["components"]}
    )
    return [str(error) for error in validator.iter_errors(document)]


def test_the_description_is_served_and_names_every_resource_in_both_formats(client: Client) -> None:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"] == "3.1.0"
    assert served["servers"] == [{"url": BASE}]
    for resource in (
        "discovery",
        "services",
        "services/{service_code}",
        "requests",
        "requests/{service_request_id}",
        "tokens/{token}",
        "servicerequestupdates",
    ):
        for fmt in ("json", "xml"):
            assert f"/{resource}.{fmt}" in served["paths"], resource
    assert set(served["paths"]["/requests.json"]) == {"get", "post"}


@pytest.mark.usefixtures("definition")
def test_every_json_document_fits_the_description(
    client: Client, public: Callable[..., Report], post: Callable[..., Any], secret: str
) -> None:
    report = public()
    answers = {
        "Discovery": client.get(f"{BASE}/discovery.json"),
        "Services": client.get(f"{BASE}/services.json"),
        "ServiceDefinition": client.get(f"{BASE}/services/light.json"),
        "ServiceRequests": client.get(f"{BASE}/requests.json", {"extensions": "true"}),
        "CreatedRequests": post(valid_fields(secret), "json"),
        "TokenAnswers": client.get(f"{BASE}/tokens/{report.open311_token.token}.json"),
        "RequestUpdates": client.get(f"{BASE}/servicerequestupdates.json"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.content)
        assert response.json(), name  # something to check
        assert not fits(response.json(), name), (name, fits(response.json(), name))
    one = client.get(f"{BASE}/requests/{report.pk}.json", {"extensions": "true"}).json()
    assert one[0]["notes"] and not fits(one, "ServiceRequests")
    # An address-only request shows empty coordinates, which the description allows.
    approximate = Report.objects.get(
        open311_token__token=post(valid_fields(secret, lat=None, long=None), "json").json()[0]["token"]
    )
    assert not fits(
        client.get(f"{BASE}/tokens/{approximate.open311_token.token}.json").json(), "TokenAnswers"
    )


def test_the_errors_fit_the_description(client: Client, municipality: Any) -> None:
    for response in (
        client.get(f"{BASE}/requests.json", {"page_size": "0"}),
        client.get(f"{BASE}/requests/123.json"),
        client.post(f"{BASE}/requests.json", {"service_code": "light"}),
    ):
        assert response.status_code in (400, 403, 404)
        assert not fits(response.json(), "Errors"), response.content
    assert fits([{"code": 400}], "Errors")  # the check can fail
