"""Pages of core: health check and the error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from veche.core.errors import NotFound, ServerError


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": NotFound().as_dict()}, status=404)
    return render(request, "error.html", {"error": NotFound()}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    error = ServerError()
    if request.path.startswith("/api/"):
        return JsonResponse({"error": error.as_dict()}, status=500)
    return render(request, "error.html", {"error": error}, status=500)
