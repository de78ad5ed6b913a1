"""API authentication: a personal bearer token, or the browser session with its CSRF token."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    """The token was checked by ApiTokenMiddleware; a request it let through carries `api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(request, "api_token", None) is not None:
            return request.user
        return None


class ConfirmedSessionAuth(SessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF guards a session; without one there is nothing to forge, and the caller is told to
        # sign in (401) rather than that a CSRF check failed (403).
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and not getattr(user, "deleted_at", None) else None


AUTH = [TokenAuth(), ConfirmedSessionAuth()]
