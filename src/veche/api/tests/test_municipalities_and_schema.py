"""Public reads of the API: the municipality list, its query count, and the OpenAPI schema."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veche.accounts.models import User
from veche.municipalities.models import Department, Membership, Municipality

LIST = "/api/v1/municipalities"


def add_municipalities(numbers: range) -> None:
    for i in numbers:
        m = Municipality.objects.create(slug=f"town{i}", name=f"Город {i}", name_en=f"Town {i}")
        Department.objects.create(municipality=m, name="Приёмная", email=f"office{i}@town.example")


def test_the_list_has_slugs_and_names_and_never_emails(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    municipality.departments.update(email="roads@testgrad.example")
    make_user("mayor", role=Membership.Role.ADMIN, municipality=municipality)
    Municipality.objects.create(slug="closed", name="Закрытый", is_active=False)

    response = client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert [(m["slug"], m["name"], m["name_en"], m["url"]) for m in body] == [
        ("testgrad", "Тестоград", "Testgrad", "/m/testgrad/")
    ]
    assert "@" not in response.content.decode()


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_3_and_for_10_municipalities(client: Client) -> None:
    add_municipalities(range(3))
    with_three = count_queries(client, LIST)
    assert len(client.get(LIST).json()) == 3

    add_municipalities(range(3, 10))
    with_ten = count_queries(client, LIST)

    assert len(client.get(LIST).json()) == 10
    assert with_ten == with_three


def test_me_costs_the_same_queries_with_more_roles(
    api_for: Callable[[User], Client], official: User, other_municipality: Municipality
) -> None:
    api = api_for(official)
    api.get("/api/v1/me")  # the token's first use is written down; later ones within a minute are not
    with_one = count_queries(api, "/api/v1/me")
    Membership.objects.create(user=official, municipality=other_municipality, role=Membership.Role.MODERATOR)
    with_two = count_queries(api, "/api/v1/me")

    assert len(api.get("/api/v1/me").json()["roles"]) == 2
    assert with_two == with_one


@pytest.mark.django_db
def test_the_openapi_schema_is_openapi_3_and_documents_the_endpoints(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Veche API"
    paths = schema["paths"]
    assert set(paths["/api/v1/auth/token"]) == {"post"}
    assert "get" in paths["/api/v1/me"]
    assert "get" in paths["/api/v1/municipalities"]
    assert {"get", "post"} <= set(paths["/api/v1/municipalities/{slug}/comments"])
    # Errors are documented with the one error shape.
    token_responses = paths["/api/v1/auth/token"]["post"]["responses"]
    assert {"200", "400", "422", "429"} <= set(token_responses)
    error_ref = token_responses["400"]["content"]["application/json"]["schema"]["$ref"]
    assert error_ref.endswith("/ErrorOut")
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_one_municipality_with_its_districts_departments_and_categories(client, municipality) -> None:
    body = client.get("/api/v1/municipalities/testgrad").json()
    assert (body["slug"], body["url"]) == ("testgrad", "/m/testgrad/")
    assert sorted(d["slug"] for d in body["districts"]) == ["d1", "d2"]
    assert [d["name_en"] for d in body["departments"]] == ["Roads"]
    assert [c["slug"] for c in body["categories"]] == ["pothole"]
    assert client.get("/api/v1/municipalities/nowhere").status_code == 404
