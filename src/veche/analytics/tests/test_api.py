"""The analytics API: the classification (as the command prints it, with the UN level and the index),
a municipality's indicators and its network; public, in the API's error shape, bounded queries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.analytics.models import MonthlyFact
from veche.analytics.tests.page_helpers import (
    MARCH,
    PERIOD,
    count_queries,
    network_key,
    write_facts,
)
from veche.core.testing import build_municipality, text_in
from veche.municipalities.models import Municipality

CLASSIFICATION = "/api/v1/analytics/classification"
INDICATORS = "/api/v1/analytics/municipalities/testgrad/indicators"
NETWORK = "/api/v1/analytics/municipalities/testgrad/network"


def test_the_classification_lists_every_active_municipality_with_model_level_index_and_evidence(
    client: Client,
    municipality: Municipality,
    other_municipality: Municipality,
    make_user: Callable[..., User],
) -> None:
    write_facts(municipality, make_user)

    body = client.get(CLASSIFICATION, {"period": PERIOD}).json()

    assert [c["municipality"] for c in body] == ["drugograd", "testgrad"]
    testgrad = body[1]
    assert set(testgrad) == {"municipality", "name", "model", "un_level", "power_transfer", "evidence"}
    assert (testgrad["model"], testgrad["power_transfer"]) == (3, None)
    assert testgrad["un_level"] in {"e-information", "e-consultation", "e-decision-making"}
    assert testgrad["evidence"]["reports"] == 4


def test_the_indicators_give_a_value_per_month_with_months_as_yyyy_mm(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)

    body = client.get(INDICATORS, {"period": "2025-02..2025-04"}).json()

    assert (body["municipality"], body["period"]) == ("testgrad", "2025-02..2025-04")
    assert body["months"] == ["2025-02", "2025-03", "2025-04"]
    assert body["active"] == [0, 3, 1]
    assert body["contributions"]["report"] == [0, 1234, 0]
    assert body["votes"] == [0, 7, 3]
    assert body["votes_by_kind"]["support"] == [0, 0, 3]
    assert (body["answered"], body["answered_in_time"], body["disputed"]) == ([0, 3, 0], [0, 2, 0], [0, 1, 0])
    assert body["median_answer_hours"] == [None, 20.0, None]
    assert (body["initiatives_threshold"], body["initiatives_adopted"]) == ([0, 0, 1], [0, 0, 1])
    assert body["budget_share"] == body["power_transfer"] == [None, None, None]


def test_the_network_gives_who_answers_whom_repeat_participants_and_flows(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)

    body = client.get(NETWORK, {"period": PERIOD}).json()

    (row,) = body["rows"]
    department, district, category = (int(i) for i in network_key(municipality).split("|"))
    assert row == {
        "department_id": department,
        "department": "Дороги",
        "district_id": district,
        "district": "Центральный",
        "category_id": category,
        "category": "Яма",
        "received": 4,
        "answered": 3,
        "answered_in_time": 2,
        "median_answer_hours": 20.0,
        "disputed": 1,
    }
    assert (body["repeat_participants"], body["participants"]) == (1, 3)
    assert body["stages"]["report"] == 4
    assert {"source": "answered", "target": "disputed", "count": 1} in body["edges"]


@pytest.mark.django_db
def test_the_municipality_endpoints_cost_the_same_queries_with_more_figures(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user, people=1)
    indicators, network = count_queries(client, INDICATORS), count_queries(client, NETWORK)
    parks = municipality.departments.create(name="Парки", name_en="Parks")
    MonthlyFact.objects.bulk_create(
        MonthlyFact(municipality=municipality, month=MARCH, metric="reports_received", key=key, value=2)
        for key in (f"{parks.pk}|0|0", "0|0|0")
    )
    write_facts(build_municipality("town9", "Город 9", "Town 9"), make_user, people=4)

    assert count_queries(client, INDICATORS) == indicators
    assert count_queries(client, NETWORK) == network
    assert indicators <= 12 and network <= 20


@pytest.mark.django_db
def test_a_bad_period_is_a_400_with_the_period_field_and_an_unknown_slug_a_404(
    api_for: Callable[..., Client], municipality: Municipality, make_user: Callable[..., User]
) -> None:
    client = api_for(make_user("reader"), language="en")
    for path in (CLASSIFICATION, INDICATORS, NETWORK):
        response = client.get(path, {"period": "2025-13"})
        assert response.status_code == 400, path
        error = response.json()["error"]
        assert error["fields"] == {"period": ["No such month."]}, path
    russian = Client().get(INDICATORS, {"period": "soon"}).json()["error"]
    assert russian["fields"]["period"] == [
        text_in("ru", "A period is written %(forms)s.") % {"forms": "YYYY, YYYY-MM or YYYY-MM..YYYY-MM"}
    ]
    for path in (
        "/api/v1/analytics/municipalities/nowhere/indicators",
        "/api/v1/analytics/municipalities/nowhere/network",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_analytics_endpoints_with_their_own_components(
    client: Client,
) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    for path in (
        CLASSIFICATION,
        "/api/v1/analytics/municipalities/{slug}/indicators",
        "/api/v1/analytics/municipalities/{slug}/network",
    ):
        operation = schema["paths"][path]["get"]
        assert {"200", "400", "404"} <= set(operation["responses"])
        assert any(p["name"] == "period" for p in operation["parameters"])
    components = schema["components"]["schemas"]
    assert {
        "AnalyticsClassificationOut",
        "AnalyticsIndicatorsOut",
        "AnalyticsNetworkOut",
        "AnalyticsNetworkRowOut",
    } <= set(components)
