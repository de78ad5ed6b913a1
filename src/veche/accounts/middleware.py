"""`Authorization: Bearer <token>` signs a request in as the token's owner."""

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.accounts.models import ApiToken
from veche.accounts.tokens import hash_token

LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header or not request.path.startswith("/api/"):
            return self.get_response(request)
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized(_("Use the header 'Authorization: Bearer <token>'."))
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token.strip()), user__is_active=True, user__deleted_at__isnull=True)
            .first()
        )
        if api_token is None:
            return _unauthorized(_("The token is not valid."))
        now = timezone.now()
        # Written at most once a minute: a write on every request would take SQLite's write lock
        # (and a row lock on PostgreSQL) for what are mostly reads; the profile shows it to the minute.
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        # A bearer token is not sent by browsers on their own, so CSRF does not apply to it.
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)


def _unauthorized(message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": "unauthorized", "message": message, "fields": {}}}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="veche"'
    return response
