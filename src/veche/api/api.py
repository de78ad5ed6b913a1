"""The JSON API at /api/v1/, assembled from each app's `api.py`."""

from ninja import NinjaAPI

from veche.accounts.api import router as accounts_router
from veche.api import errors
from veche.comments.api import router as comments_router
from veche.moderation.api import router as moderation_router
from veche.municipalities.api import router as municipalities_router
from veche.notifications.api import router as notifications_router

api = NinjaAPI(
    title="Veche API",
    version="1",
    description=(
        "The JSON API of Veche. Authenticate with `Authorization: Bearer <token>` "
        "(get one from POST /api/v1/auth/token) or the site's session cookie with its CSRF token. "
        "Writes accept an `Idempotency-Key` header: a repeat with the same key returns the first answer."
    ),
    urls_namespace="api",
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", municipalities_router)
api.add_router("", comments_router)
api.add_router("", moderation_router)
api.add_router("", notifications_router)
