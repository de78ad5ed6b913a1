"""Each request starts on the server's clock; `access_municipality` turns it to the municipality's."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class MunicipalClockMiddleware:
    """A zone activated for one request must not leak into the next one the same thread serves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
