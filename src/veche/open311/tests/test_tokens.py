"""Tokens: a client reads back what it POSTed, before and after a moderator passes it."""

from collections.abc import Callable
from typing import Any

import pytest

from veche.moderation.services import content_hide
from veche.open311.models import RequestToken
from veche.open311.tests.helpers import BASE, as_json, errors, parse, valid_fields
from veche.reports import services as report_services
from veche.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(post: Callable[..., Any], secret: str, definition: Any) -> Callable[..., tuple[str, Report]]:
    """POST a request as a client does; the token it answered, and the report it filed."""

    def make(**overrides: Any) -> tuple[str, Report]:
        response = post(valid_fields(secret, **overrides), "json")
        assert response.status_code == 200
        token = as_json(response)[0]["token"]
        return token, Report.objects.get(open311_token__token=token)

    return make


def read(client: Any, token: str, fmt: str) -> Any:
    response = client.get(f"{BASE}/tokens/{token}.{fmt}")
    return parse(response) if fmt == "xml" else as_json(response)


def test_the_token_answers_no_id_until_a_moderator_passes_the_request(client, posted, moderator):
    token, report = posted()
    assert client.get(f"{BASE}/requests/{report.pk}.json").status_code == 404
    assert read(client, token, "json") == [{"service_request_id": None, "token": token}]
    root = read(client, token, "xml")
    assert root.tag == "service_requests"
    assert [[(child.tag, child.text) for child in r] for r in root] == [
        [("service_request_id", None), ("token", token)]
    ]

    report_services.report_moderate(moderator=moderator, report=report)

    assert read(client, token, "json") == [{"service_request_id": str(report.pk), "token": token}]
    root = read(client, token, "xml")
    assert [[(child.tag, child.text) for child in r] for r in root] == [
        [("service_request_id", str(report.pk)), ("token", token)]
    ]
    # The id it answers is one a GET shows.
    assert as_json(client.get(f"{BASE}/requests/{report.pk}.json"))[0]["service_request_id"] == str(report.pk)


def test_the_token_of_a_declined_request_is_404_saying_so(client, posted, moderator):
    token, report = posted()
    report_services.report_decline(moderator=moderator, report=report, reason="Duplicate request.")
    response = client.get(f"{BASE}/tokens/{token}.xml")
    assert response.status_code == 404
    assert errors(response) == [
        ("404", f"token '{token}': a moderator declined the request; it will not be public.")
    ]
    assert b"Duplicate" not in response.content  # the moderator's reason stays on the site


def test_the_token_of_a_hidden_request_is_404_until_it_is_restored(client, posted, moderator):
    token, report = posted()
    report = report_services.report_moderate(moderator=moderator, report=report)
    content_hide(moderator=moderator, content=report, reason="Insults")
    response = client.get(f"{BASE}/tokens/{token}.json")
    assert response.status_code == 404
    assert as_json(response) == [{"code": 404, "description": f"token '{token}' was not found."}]


@pytest.mark.parametrize(
    ("token", "shown"),
    [
        ("0" * 32, "0" * 32),
        ("deadbeef" * 4, "deadbeef" * 4),
        ("DEADBEEF" * 4, "DEADBEEF" * 4),
        ("not-a-token", "not-a-token"),
        ("%3Cscript%3E", "<script>"),
        ("0", "0"),
        ("99999999999999999999", "99999999999999999999"),
        ("f" * 5000, "f" * 40 + "…"),
    ],
)
def test_unknown_garbage_and_huge_tokens_are_404(client, posted, token, shown):
    posted()
    for fmt in ("xml", "json"):
        response = client.get(f"{BASE}/tokens/{token}.{fmt}")
        assert response.status_code == 404
        found = errors(response) if fmt == "xml" else as_json(response)
        expected = [("404", f"token '{shown}' was not found.")]
        assert found == (expected if fmt == "xml" else [{"code": 404, "description": expected[0][1]}])


def test_a_token_is_read_in_its_own_jurisdiction_only(client, posted, moderator, other_municipality):
    token, report = posted(jurisdiction_id="testgrad")
    report_services.report_moderate(moderator=moderator, report=report)
    response = client.get(f"{BASE}/tokens/{token}.json?jurisdiction_id=testgrad")
    assert as_json(response) == [{"service_request_id": str(report.pk), "token": token}]
    response = client.get(f"{BASE}/tokens/{token}.json?jurisdiction_id=drugograd")
    assert response.status_code == 404
    assert as_json(response) == [{"code": 404, "description": f"token '{token}' was not found."}]


def test_tokens_are_random_and_one_per_request(posted):
    tokens = [posted()[0] for _ in range(3)]
    assert len(set(tokens)) == 3
    assert all(len(token) == 32 and set(token) <= set("0123456789abcdef") for token in tokens)
    assert RequestToken.objects.count() == 3


def test_no_token_without_a_request(post, secret, definition):
    """Refused requests leave no token behind: the token is written with the report or not at all."""
    assert post(valid_fields(secret, lat="91")).status_code == 400
    assert not RequestToken.objects.exists()


@pytest.mark.parametrize("public", [False, True])
def test_reading_a_token_takes_two_queries(client, posted, moderator, django_assert_num_queries, public):
    """The jurisdiction, then the token with its request's state."""
    token, report = posted()
    if public:
        report_services.report_moderate(moderator=moderator, report=report)
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/tokens/{token}.json").status_code == 200
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/tokens/{'0' * 32}.json").status_code == 404
