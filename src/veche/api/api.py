"""The JSON API at /api/v1/, assembled from each app's `api.py`."""

from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from veche.accounts.api import router as accounts_router
from veche.analytics.api import router as analytics_router
from veche.api import errors
from veche.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from veche.api.parser import VecheParser
from veche.appeals.api import router as appeals_router
from veche.budgeting.api import router as budgeting_router
from veche.comments.api import router as comments_router
from veche.crowdprojects.api import router as crowdprojects_router
from veche.deliberation.api import router as deliberation_router
from veche.drafting.api import router as drafting_router
from veche.funding.api import router as funding_router
from veche.initiatives.api import router as initiatives_router
from veche.meetings.api import router as meetings_router
from veche.moderation.api import router as moderation_router
from veche.municipalities.api import router as municipalities_router
from veche.notifications.api import router as notifications_router
from veche.polls.api import router as polls_router
from veche.recognition.api import router as recognition_router
from veche.reports.api import router as reports_router


class VecheAPI(NinjaAPI):
    """Ninja's API, with its method-not-allowed answers in the API's error shape and its OpenAPI
    description made once per process (per path and language): it does not change while the
    process runs, and making it walks every operation's schemas (seconds on a loaded machine)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language() or "")
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._schemas[key]

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = errors.json_method_not_allowed(pattern.callback)
        return patterns, app_name, namespace


api = VecheAPI(
    title="Veche API",
    version="1",
    description=(
        "The JSON API of Veche. Authenticate with `Authorization: Bearer <token>` "
        "(get one from POST /api/v1/auth/token) or the site's session cookie with its CSRF token. "
        "Writes accept an `Idempotency-Key` header: a repeat with the same key returns the first answer. "
        f"Lists page with `limit` (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}: a larger limit is served "
        f"as {MAX_LIMIT}) and `offset` (at most {MAX_OFFSET:_}); other values are refused with 422. "
        f"A request body over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:g} MB is refused with 413."
    ),
    urls_namespace="api",
    parser=VecheParser(),
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", municipalities_router)
api.add_router("", comments_router)
api.add_router("", appeals_router)
api.add_router("", polls_router)
api.add_router("", budgeting_router)
api.add_router("", initiatives_router)
api.add_router("", crowdprojects_router)
api.add_router("", deliberation_router)
api.add_router("", funding_router)
api.add_router("", drafting_router)
api.add_router("", meetings_router)
api.add_router("", moderation_router)
api.add_router("", notifications_router)
api.add_router("", reports_router)
api.add_router("", analytics_router)
api.add_router("", recognition_router)
