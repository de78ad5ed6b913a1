"""A DomainError becomes a page (or JSON under /api/) with its status, in one place."""

import orjson
import pytest
from django.test import RequestFactory

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound, RateLimited
from veche.core.middleware import DomainErrorMiddleware


def test_unknown_municipality_is_a_404_page(client, db):
    response = client.get("/m/atlantis/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert "error.html" in [t.name for t in response.templates]
    assert "Not found" in response.content.decode()


def test_unknown_municipality_in_the_api_is_404_json(client, db):
    response = client.get("/api/v1/municipalities/atlantis")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_page_uses_the_same_404_page(client, db):
    response = client.get("/no/such/page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize(
    ("error", "status"),
    [(DomainError("Bad"), 400), (Forbidden(), 403), (NotFound(), 404), (Conflict("Taken"), 409)],
)
def test_each_domain_error_gets_its_status(error, status, db):
    middleware = DomainErrorMiddleware(lambda request: None)
    page = middleware.process_exception(RequestFactory().get("/m/x/"), error)
    assert page.status_code == status
    assert error.message in page.content.decode()
    api = middleware.process_exception(RequestFactory().post("/api/v1/x"), error)
    assert api.status_code == status
    assert api["Content-Type"] == "application/json"


def test_rate_limited_says_when_to_retry(db):
    middleware = DomainErrorMiddleware(lambda request: None)
    response = middleware.process_exception(RequestFactory().get("/"), RateLimited(retry_after=42))
    assert response.status_code == 429
    assert response["Retry-After"] == "42"


def test_other_exceptions_are_not_handled():
    middleware = DomainErrorMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("boom")) is None


def test_domain_error_carries_fields_for_programs():
    error = DomainError(fields={"name": ["Required."]}, code="missing")
    assert error.as_dict() == {
        "code": "missing",
        "message": str(DomainError.default_message),
        "fields": {"name": ["Required."]},
    }


def test_the_500_page_says_something_went_wrong_and_nothing_of_the_failure(db):
    from django.utils import translation

    from veche.core.views import server_error

    with translation.override("en"):
        page = server_error(RequestFactory().get("/m/x/"))
        api = server_error(RequestFactory().get("/api/v1/x"))

    assert page.status_code == 500
    assert "Something went wrong" in page.content.decode()
    assert "This could not be done" not in page.content.decode()
    assert api.status_code == 500
    assert orjson.loads(api.content)["error"]["code"] == "server_error"
