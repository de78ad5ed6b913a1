"""The request id travels into the Celery tasks a request starts, as a message header.

Eager tasks (no broker) run in the request's own context and need nothing; with a broker,
`before_task_publish` adds the header and `task_prerun` / `task_postrun` set and clear it in the
worker, so the task's log lines carry the id of the request that started it."""

from contextvars import Token
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

from veche.ops.logs import SAFE_ID, request_id

HEADER = "veche_request_id"

_tokens: dict[str, Token[str]] = {}


def add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    rid = request_id.get()
    if headers is not None and rid != "-":
        headers.setdefault(HEADER, rid)


def take_request_id(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    rid = getattr(getattr(task, "request", None), HEADER, None)
    if task_id and isinstance(rid, str) and SAFE_ID.fullmatch(rid):
        _tokens[task_id] = request_id.set(rid)


def drop_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        request_id.reset(token)


def connect() -> None:
    before_task_publish.connect(add_request_id, weak=False, dispatch_uid="veche.ops.request_id.publish")
    task_prerun.connect(take_request_id, weak=False, dispatch_uid="veche.ops.request_id.prerun")
    task_postrun.connect(drop_request_id, weak=False, dispatch_uid="veche.ops.request_id.postrun")
