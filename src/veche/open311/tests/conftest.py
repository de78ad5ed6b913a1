"""Fixtures of the Open311 suites: a service with a definition, an API key, a client that speaks Open311."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.municipalities.models import Category, Municipality
from veche.open311 import services
from veche.open311.models import ApiKey, ServiceAttribute
from veche.open311.tests.helpers import BASE, valid_fields
from veche.reports import services as report_services
from veche.reports.models import Report


@pytest.fixture
def definition(lights: Category) -> list[ServiceAttribute]:
    """The street light service asks for the depth (number, required), a place and the problems."""
    make = ServiceAttribute.objects.create
    return [
        make(
            category=lights,
            code="height",
            datatype="number",
            required=True,
            order=1,
            description="Height of the pole, m",
        ),
        make(
            category=lights,
            code="place",
            datatype="singlevaluelist",
            required=False,
            order=2,
            description="Where",
            values=[{"key": "road", "name": "Road"}, {"key": "yard", "name": "Yard"}],
        ),
        make(
            category=lights,
            code="issues",
            datatype="multivaluelist",
            required=False,
            order=3,
            description="What is wrong",
            values=[{"key": "out", "name": "Out"}, {"key": "bent", "name": "Bent"}],
        ),
        make(
            category=lights,
            code="notice",
            variable=False,
            datatype="text",
            order=4,
            description="Do not touch fallen wires.",
        ),
    ]


@pytest.fixture
def key(municipality: Municipality) -> tuple[ApiKey, str]:
    return services.api_key_create(actor=None, municipality=municipality, name="City app")


@pytest.fixture
def secret(key: tuple[ApiKey, str]) -> str:
    return key[1]


@pytest.fixture
def post(client: Client) -> Callable[..., Any]:
    """POST form-encoded fields to requests.<fmt>, as Open311 clients do."""

    def send(fields: dict[str, Any], fmt: str = "xml", **extra: Any) -> Any:
        return client.post(f"{BASE}/requests.{fmt}", fields, **extra)

    return send


@pytest.fixture
def filed(post: Callable[..., Any], secret: str, definition: list[ServiceAttribute]) -> Callable[..., Report]:
    """A report filed through Open311 (still awaiting moderation)."""

    def make(**overrides: Any) -> Report:
        response = post(valid_fields(secret, **overrides), "json")
        assert response.status_code == 200, response.content
        return Report.objects.get(open311_token__token=response.json()[0]["token"])

    return make


@pytest.fixture
def public(filed: Callable[..., Report], moderator: User) -> Callable[..., Report]:
    """A report filed through Open311 and passed by a moderator: public from now on."""

    def make(**overrides: Any) -> Report:
        return report_services.report_moderate(moderator=moderator, report=filed(**overrides))

    return make
