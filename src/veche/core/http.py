"""Request helpers for views and API endpoints."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

from veche.core.errors import NotFound

if TYPE_CHECKING:
    from veche.accounts.models import User


def signed_in(request: HttpRequest) -> "User":
    """The signed-in person of a view that requires one (login_required or API auth)."""
    if not request.user.is_authenticated:
        raise NotFound()
    return request.user
