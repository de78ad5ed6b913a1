"""Requests anyone can send that once answered 500 or Django's HTML: each gets a 4xx in the error shape."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from veche.accounts.models import User
from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.api.pagination import MAX_LIMIT
from veche.comments.models import Comment
from veche.municipalities.models import Municipality

LISTS = [
    "/api/v1/notifications",
    "/api/v1/me/activity",
    "/api/v1/municipalities/testgrad/comments",
    "/api/v1/municipalities/testgrad/reports",
    "/api/v1/municipalities/testgrad/polls",
    "/api/v1/municipalities/testgrad/initiatives",
]
COMMENTS = "/api/v1/municipalities/testgrad/comments"


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        {"offset": "9223372036854775808"},
        {"offset": str(10**30)},
        {"limit": "9223372036854775808"},
        {"limit": str(10**30)},
        {"offset": "-1"},
        {"limit": "-5"},
        {"limit": "0"},
        {"offset": "abc"},
        {"limit": "1e3"},
    ],
    ids=lambda q: "=".join(next(iter(q.items()))),
)
def test_a_list_refuses_a_bound_it_cannot_page_by(
    api_for: Callable[[User], Client],
    resident: User,
    municipality: Municipality,
    path: str,
    query: dict[str, str],
) -> None:
    (name,) = query
    assert_api_error(api_for(resident).get(path, query), 422, "validation_error", fields={name})


@pytest.mark.parametrize("path", LISTS)
def test_a_list_serves_a_huge_limit_as_its_most(
    api_for: Callable[[User], Client], resident: User, municipality: Municipality, path: str
) -> None:
    response = api_for(resident).get(path, {"limit": "100000"})

    assert response.status_code == 200
    assert isinstance(response.json()["items"], list)


def test_the_openapi_description_names_the_most_a_page_holds(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    limit = next(
        p for p in schema["paths"]["/api/v1/notifications"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert f"at most {MAX_LIMIT}" in schema["info"]["description"]
    assert f"At most {MAX_LIMIT} items" in limit["description"]


def test_a_body_over_the_upload_limit_gets_413_in_the_error_shape(
    api_for: Callable[[User], Client], resident: User, municipality: Municipality
) -> None:
    body = '{"body": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'

    assert_api_error(post_json(api_for(resident), COMMENTS, body), 413, "payload_too_large", fields=set())
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("path", "data"),
    [(COMMENTS, {"body": "Hello"}), ("/api/v1/notifications/read", {})],
)
def test_an_anonymous_write_gets_401_not_a_csrf_403(
    municipality: Municipality, path: str, data: object
) -> None:
    browser = Client(enforce_csrf_checks=True)

    assert_api_error(post_json(browser, path, data), 401, "unauthorized", fields=set())
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"body": "a\\u0000b"}', "body"),  # PostgreSQL stores no NUL
        ('{"body": "a\\ud800b"}', "body"),  # UTF-8 encodes no unpaired surrogate
        ('{"body": "ok", "extra": {"x": ["\\u0000"]}}', "extra.x.0"),
    ],
)
def test_text_no_database_stores_is_refused_by_field(
    api_for: Callable[[User], Client], resident: User, municipality: Municipality, body: str, field: str
) -> None:
    assert_api_error(post_json(api_for(resident), COMMENTS, body), 422, "validation_error", fields={field})
    assert not Comment.objects.exists()


def test_a_nul_in_a_query_parameter_is_refused_by_name(client: Client, municipality: Municipality) -> None:
    response = client.get("/api/v1/municipalities/testgrad/appeals", {"q": "a\x00b"})
    assert_api_error(response, 422, "validation_error", fields={"q"})


def test_json_nested_past_what_the_reader_follows_is_400(
    api_for: Callable[[User], Client], resident: User, municipality: Municipality
) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    assert_api_error(post_json(api_for(resident), COMMENTS, deep), 400, "invalid", fields=set())
    assert not Comment.objects.exists()
