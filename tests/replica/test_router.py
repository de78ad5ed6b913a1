"""The replica router's rules, without a second server (on SQLite and PostgreSQL alike): reads go to
the replica only inside `replica_reads()` and only when one is configured; writes and migrations
always go to "default"; the analytics pages, open data and analytics API are the code that opts in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

from veche.analytics.api import router as analytics_api
from veche.core.dbrouter import (
    DEFAULT,
    REPLICA,
    ReplicaRouter,
    reading_replica,
    reads_replica,
    replica_reads,
    replica_view,
)
from veche.municipalities.models import Municipality
from veche.reports.models import Report

WITH_REPLICA: dict[str, dict[str, Any]] = {DEFAULT: {}, REPLICA: {}}
WITHOUT_REPLICA: dict[str, dict[str, Any]] = {DEFAULT: {}}


def test_reads_go_to_the_replica_only_inside_the_context() -> None:
    router = ReplicaRouter(WITH_REPLICA)
    assert router.db_for_read(Report) == DEFAULT
    with replica_reads():
        assert router.db_for_read(Report) == REPLICA
        with replica_reads():
            assert router.db_for_read(Report) == REPLICA
        assert router.db_for_read(Report) == REPLICA
    assert router.db_for_read(Report) == DEFAULT


def test_without_a_replica_every_read_goes_to_default() -> None:
    router = ReplicaRouter(WITHOUT_REPLICA)
    with replica_reads():
        assert router.db_for_read(Report) == DEFAULT


@pytest.mark.parametrize("databases", [WITH_REPLICA, WITHOUT_REPLICA])
def test_writes_and_migrations_go_to_default_only(databases: dict[str, Any]) -> None:
    router = ReplicaRouter(databases)
    for inside in (False, True):
        if inside:
            with replica_reads():
                assert router.db_for_write(Report) == DEFAULT
        else:
            assert router.db_for_write(Report) == DEFAULT
    assert router.allow_migrate(DEFAULT, "reports", "report") is True
    assert router.allow_migrate(REPLICA, "reports", "report") is False


def test_objects_of_default_and_replica_may_be_related() -> None:
    router = ReplicaRouter(WITH_REPLICA)
    read, written = Municipality(), Report()
    read._state.db, written._state.db = REPLICA, DEFAULT
    assert router.allow_relation(read, written) is True
    written._state.db = "elsewhere"
    assert router.allow_relation(read, written) is None


def test_the_context_is_left_on_an_error_and_is_not_shared_with_other_threads() -> None:
    with pytest.raises(ZeroDivisionError), replica_reads():
        _ = 1 / 0
    assert reading_replica() is False

    seen: list[bool] = []
    with replica_reads():
        thread = threading.Thread(target=lambda: seen.append(reading_replica()))
        thread.start()
        thread.join()
    assert seen == [False]


def test_a_decorated_function_reads_the_replica() -> None:
    @replica_reads()
    def inside() -> bool:
        return reading_replica()

    assert inside() is True
    assert reading_replica() is False


def test_a_view_and_its_streamed_body_read_the_replica_but_not_who_is_asking() -> None:
    seen: dict[str, bool] = {}

    class Who:
        @property
        def is_authenticated(self) -> bool:
            seen["user"] = reading_replica()
            return False

    def pieces() -> Iterator[str]:
        for n in range(3):
            yield f"{n}:{reading_replica()},"

    @replica_view
    def view(request: HttpRequest) -> StreamingHttpResponse:
        seen["view"] = reading_replica()
        return StreamingHttpResponse(pieces())

    request = HttpRequest()
    request.user = Who()  # type: ignore[assignment]
    response = view(request)
    assert seen == {"user": False, "view": True}
    assert reading_replica() is False
    assert b"".join(response.streaming_content) == b"0:True,1:True,2:True,"  # type: ignore[arg-type]

    @replica_view
    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(reading_replica()))

    assert page(HttpRequest()).content == b"True"


def _views(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_analytics_and_open_data_page_and_analytics_operation_reads_the_replica() -> None:
    views = [
        (route, view)
        for route, view in _views(get_resolver().url_patterns, "/")
        if route.startswith(("/analytics/", "/open-data/"))
    ]
    assert len(views) >= 10
    assert [route for route, view in views if not reads_replica(view)] == []

    operations = [
        operation.view_func
        for path in analytics_api.path_operations.values()
        for operation in path.operations
    ]
    assert len(operations) == 3
    assert all(reads_replica(view) for view in operations)


def test_other_pages_read_default() -> None:
    views = dict(_views(get_resolver().url_patterns, "/"))
    assert not reads_replica(views["/m/<slug:slug>/"])
