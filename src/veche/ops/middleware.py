"""The request id, the access log line and the request metrics of every request."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from veche.ops import metrics
from veche.ops.logs import accepted_request_id, request_id

access_log = logging.getLogger("veche.access")


def route_of(request: HttpRequest) -> str:
    """The URL route's name ("reports:detail"), never the path: a bounded set of values."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "unmatched"


class RequestIdMiddleware:
    """Takes X-Request-ID (a safe token of up to 64 characters, else a new id), keeps it for the
    log lines of this request (veche.ops.logs.request_id) and sends it back; writes one access
    line and the request's metrics. First in MIDDLEWARE, so that it sees every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = accepted_request_id(request.headers.get("X-Request-ID"))
        token = request_id.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_of(request)
            response["X-Request-ID"] = rid
            metrics.observe(
                route=route, method=request.method or "", status=response.status_code, seconds=seconds
            )
            access_log.info(
                "%s %s %s %.1fms",
                request.method,
                route,
                response.status_code,
                seconds * 1000,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
