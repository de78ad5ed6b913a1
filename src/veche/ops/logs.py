"""Request ids and log lines: the id of the request being served, a filter that puts it on every
record, and a formatter that writes one JSON object per line."""

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request (or of the task started by one) this thread or task is serving; "-" outside.
request_id: ContextVar[str] = ContextVar("request_id", default="-")

# What an incoming X-Request-ID must look like to be kept (CONTRACT: a safe token of <= 64 chars).
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# Attributes an access line adds with `extra=` (veche.ops.middleware); only these extras are written.
ACCESS_FIELDS = ("method", "route", "status", "duration_ms")


def new_request_id() -> str:
    return secrets.token_hex(16)


def accepted_request_id(value: str | None) -> str:
    """The id a client sent when it is a safe token, else a new one."""
    if value and SAFE_ID.fullmatch(value):
        return value
    return new_request_id()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so that formats can name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id, and
    exc_info (the traceback as text) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc_info"] = record.exc_text
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        # json.dumps escapes newlines inside strings, so a traceback stays on the record's one line.
        return json.dumps(line, ensure_ascii=False, default=str)
