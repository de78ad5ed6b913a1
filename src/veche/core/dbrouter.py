# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Reads that may lag go to the read replica; every other read, and every write, to "default".

Code opts in with `replica_reads()` (a context manager and a decorator) or, for a view,
`replica_view`: the ORM's reads inside go to the "replica" database when settings define one
(DATABASE_REPLICA_URL), to "default" when not. Writes always go to "default", inside the context
too, so a page that writes on the side (a session, a rate-limit counter) still writes where it
must. A read that must see one's own writes (a watermark read before it is moved, a row read
before it is updated) must not run inside the context: the replica may be seconds behind.
Migrations run on "default" only; how the replica gets its schema is in docs/architecture.md,
"Read replica"."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest
from django.http.response import StreamingHttpResponse

DEFAULT = "default"
REPLICA = "replica"

# A contextvar, so that the choice holds for this thread (or task) only.
_replica_reads: ContextVar[bool] = ContextVar("veche_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@contextmanager
def replica_reads() -> Iterator[None]:
    """`with replica_reads():` or `@replica_reads()`: the ORM's reads inside may come from the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reading_replica() -> bool:
    """Whether the code runs inside `replica_reads()`."""
    return _replica_reads.get()


def replica_iter(pieces: Iterator[T]) -> Iterator[T]:
    """`pieces`, each one produced inside `replica_reads()`: a streamed body is read after the view
    has returned, where its reads would otherwise go to "default"."""
    while True:
        with replica_reads():
            try:
                piece = next(pieces)
            except StopIteration:
                return
        yield piece


def replica_view(
    view: Callable[Concatenate[HttpRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R]:
    """A view (or an API operation) whose reads may come from the replica, its streamed body too.

    Who is asking is read from "default" first: a session or a sign-in written a moment ago may not
    have reached the replica yet."""

    @functools.wraps(view)
    def inner(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - loads the lazy session and user here, from "default"
        with replica_reads():
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            body = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = replica_iter(body)
        return response

    _replica_views.add(inner)
    return cast(Callable[Concatenate[HttpRequest, P], R], inner)


_replica_views: set[Callable[..., Any]] = set()


def reads_replica(view: Callable[..., Any]) -> bool:
    """Whether `view`, or a function it wraps, is a `replica_view`."""
    found: Callable[..., Any] | None = view
    while found is not None:
        if found in _replica_views:
            return True
        found = getattr(found, "__wrapped__", None)
    return False


class ReplicaRouter:
    """Django's database router for DATABASE_ROUTERS (settings add it with DATABASE_REPLICA_URL).

    `databases` is for the unit tests, which check the rules without a second server."""

    def __init__(self, databases: Mapping[str, Any] | None = None) -> None:
        self._databases = databases

    def _has_replica(self) -> bool:
        databases = settings.DATABASES if self._databases is None else self._databases
        return REPLICA in databases

    def db_for_read(self, model: type, **hints: Any) -> str:
        if reading_replica() and self._has_replica():
            return REPLICA
        return DEFAULT

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both hold the same rows: an object read from the replica may be related to one written
        # to "default" (a municipality read on an analytics page, say).
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        # The replica's schema comes from the primary (pg_dump --schema-only before a logical
        # subscription; by itself with physical replication), never from `migrate` there.
        return db == DEFAULT
