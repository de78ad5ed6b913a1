"""Operational endpoints: readiness and metrics (liveness stays veche.core.views.healthz)."""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from veche.ops.metrics import exposition
from veche.ops.readiness import readiness


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    ready, checks = readiness()
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """With the right X-Metrics-Token, or from an address of METRICS_ALLOWED_IPS.

    A request that a proxy forwarded (X-Forwarded-For or X-Real-IP) is not judged by its address:
    behind nginx on the same host every request comes from 127.0.0.1."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("X-Metrics-Token", "")
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers or "X-Real-IP" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
