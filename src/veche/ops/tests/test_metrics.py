"""GET /metrics: who may read it, request metrics by route, and domain figures read at scrape time."""

from collections.abc import Callable

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from veche.accounts.models import User
from veche.ops.metrics import forget_domain_counts
from veche.polls.models import Poll
from veche.polls.services import poll_vote
from veche.polls.tests.helpers import option_ids
from veche.reports.models import Report

pytestmark = pytest.mark.django_db


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    forget_domain_counts()
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_only_allowed_addresses_or_the_token_may_read(client: Client, settings) -> None:
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.1.0.0/16"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 404
    outside = {"REMOTE_ADDR": "10.2.0.1"}
    assert client.get("/metrics", **outside, HTTP_X_METRICS_TOKEN="s3cret-token").status_code == 200
    assert client.get("/metrics", **outside, HTTP_X_METRICS_TOKEN="wrong").status_code == 404
    # Through a proxy on the same host every request comes from 127.0.0.1: the address is not enough.
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **proxied).status_code == 404


def test_without_a_token_setting_no_header_opens_it(client: Client, settings) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1", HTTP_X_METRICS_TOKEN="").status_code == 404


def test_requests_are_counted_by_route_name_not_path(client: Client) -> None:
    key = ("veche_http_requests_total", (("method", "GET"), ("route", "reports:detail"), ("status", "4xx")))
    before = scrape(client).get(key, 0.0)
    client.get("/m/nowhere/reports/123456/")
    client.get("/m/nowhere/reports/654321/?q=secret")
    samples = scrape(client)
    assert samples[key] == before + 2
    assert not any("123456" in str(labels) or "secret" in str(labels) for _, labels in samples)
    timed = ("veche_http_request_duration_seconds_count", (("method", "GET"), ("route", "reports:detail")))
    assert samples[timed] >= 2


def test_votes_and_reports_are_read_at_scrape_time(
    client: Client,
    make_poll: Callable[..., Poll],
    voter: User,
    author: User,
    submit: Callable[..., Report],
) -> None:
    poll = make_poll()
    votes = ("veche_votes", (("kind", "poll"),))
    submitted = ("veche_reports", (("status", "submitted"),))
    before = scrape(client)
    assert before[votes] == 0
    assert before[submitted] == 0
    poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    submit(author)
    after = scrape(client)
    assert after[votes] == 1
    assert after[submitted] == 1
    assert after[("veche_votes", (("kind", "appeal_signature"),))] == 0


def test_no_queue_length_without_a_redis_broker(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = ""
    assert not any(name == "veche_celery_queue_length" for name, _ in scrape(client))
