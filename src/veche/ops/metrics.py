"""Prometheus metrics: requests by route, and what the database and the queue hold at scrape time.

Request metrics live in prometheus-client's default registry; under gunicorn with several workers,
PROMETHEUS_MULTIPROC_DIR (set before the workers start) makes each worker write them to files in
that directory, and a scrape adds up the files of every worker. The domain figures (votes, reports,
queue length) are read at scrape time by `DomainCollector`, cached for CACHE_SECONDS."""

import os
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Model
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

from veche.appeals.models import AppealSignature
from veche.budgeting.models import Ballot
from veche.crowdprojects.models import CrowdBallot
from veche.deliberation.models import Vote
from veche.initiatives.models import InitiativeSupport
from veche.polls.models import PollVote
from veche.reports.models import Report, Status

CACHE_SECONDS = 15
CACHE_KEY = "ops:metrics:domain"

# Methods outside this set are counted as "other", so that a client cannot add label values.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "veche_http_requests",
    "HTTP requests served, by URL route name, method and status class.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "veche_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL route name and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# The votes of every kind, one label value each: (kind, model).
VOTES: tuple[tuple[str, type[Model]], ...] = (
    ("poll", PollVote),
    ("budget_ballot", Ballot),
    ("crowdproject_ballot", CrowdBallot),
    ("initiative_support", InitiativeSupport),
    ("appeal_signature", AppealSignature),
    ("deliberation_vote", Vote),
)


def observe(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(route=route, method=method, status=f"{status // 100}xx").inc()
    LATENCY.labels(route=route, method=method).observe(seconds)


def domain_counts() -> dict[str, dict[str, int]]:
    """Votes by kind and reports by status: one aggregate query each, cached for CACHE_SECONDS."""
    counts: dict[str, dict[str, int]] | None = cache.get(CACHE_KEY)
    if counts is None:
        votes = {kind: model._base_manager.count() for kind, model in VOTES}
        reports = dict.fromkeys(Status.values, 0)
        for row in Report._base_manager.order_by().values("status").annotate(n=Count("pk")):
            reports[row["status"]] = row["n"]
        counts = {"votes": votes, "reports": reports}
        cache.set(CACHE_KEY, counts, CACHE_SECONDS)
    return counts


def forget_domain_counts() -> None:
    cache.delete(CACHE_KEY)


def queue_length() -> int | None:
    """Messages waiting in Celery's default queue when the broker is Redis; None otherwise or when
    the broker does not answer within 2 s."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return int(client.llen(queue_name()))
    except redis.RedisError:
        return None
    finally:
        client.close()


def queue_name() -> str:
    return str(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"))


class DomainCollector:
    """What the database and the broker hold, read when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        counts = domain_counts()
        votes = GaugeMetricFamily("veche_votes", "Votes and signatures stored, by kind.", labels=["kind"])
        for kind, n in counts["votes"].items():
            votes.add_metric([kind], n)
        yield votes
        reports = GaugeMetricFamily("veche_reports", "Problem reports stored, by status.", labels=["status"])
        for status, n in counts["reports"].items():
            reports.add_metric([status], n)
        yield reports
        length = queue_length()
        if length is not None:
            queue = GaugeMetricFamily(
                "veche_celery_queue_length", "Tasks waiting in the Celery queue.", labels=["queue"]
            )
            queue.add_metric([queue_name()], length)
            yield queue


def exposition() -> bytes:
    """The text a scrape gets: request metrics (every worker's, in multiprocess mode) and the
    domain figures."""
    from prometheus_client import REGISTRY

    registry = CollectorRegistry(auto_describe=False)
    registry.register(DomainCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY) + generate_latest(registry)
