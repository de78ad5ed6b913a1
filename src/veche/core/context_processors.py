"""Values every page template needs."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from veche.core.pwa import account_marker


def site(request: HttpRequest) -> dict[str, Any]:
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from veche.notifications.selectors import unread_count

        unread = unread_count(user=user)
    return {
        "unread_notifications": unread,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        # The longest text a person may write; a form's maxlength without a form field says it.
        "text_max_length": settings.TEXT_MAX_LENGTH,
        # Whose pages the device keeps (core/pwa.py): a keyed hash, never the account itself.
        "device_account": account_marker(user),
    }
