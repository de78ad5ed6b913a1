"""The API's one error shape: {"error": {"code", "message", "fields": {name: [messages]}}}."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from veche.core.errors import DomainError, RateLimited

LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
        # The body schema's own parameter name says nothing to a client.
        if len(parts) > 1 and parts[0] in {"payload", "data"}:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def install(api: NinjaAPI) -> None:
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(list(error.get("loc", []))), []).append(str(error.get("msg", "")))
        return api.create_response(
            request, _body("validation_error", _("Some fields are not valid."), fields), status=422
        )

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Django Ninja wraps whatever the body parser raises in "Cannot parse request body": our
        # parser's refusal (veche.api.parser) keeps its own message and field messages.
        if isinstance(exc.__cause__, DomainError):
            return domain_error(request, exc.__cause__)
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "bad_request"
        )
        message = str(exc)
        if isinstance(exc, AuthenticationError):
            message = _("Log in, or send 'Authorization: Bearer <token>'.")
        return api.create_response(request, _body(code, message), status=exc.status_code)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _body("not_found", _("Not found.")), status=404)

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Django's own answer is its HTML 400 page; a client of the API reads this shape.
        return api.create_response(
            request, _body("payload_too_large", _("The request body is too large.")), status=413
        )

    handlers: list[tuple[type[Exception], Any]] = [
        (RequestDataTooBig, too_big),
        (DomainError, domain_error),
        (ValidationError, validation_error),
        (HttpError, http_error),
        (Http404, not_found),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


def json_method_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Django Ninja answers a wrong method with plain text; give it the one error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith("application/json"):
            return response
        body = _body("method_not_allowed", _("This method is not allowed here."))
        json_response = JsonResponse(body, status=405)
        json_response["Allow"] = response.get("Allow", "")
        return json_response

    return wrapper
