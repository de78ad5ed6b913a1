"""The GeoReport v2 endpoints: parse the parameters, call a selector or a service, render XML or JSON."""

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from veche.core.errors import DomainError, Forbidden, RateLimited
from veche.core.ratelimit import client_ip, rate_limit
from veche.open311 import documents, formats, openapi, params, selectors, services
from veche.open311.formats import Many, respond
from veche.open311.params import get

View = Callable[..., HttpResponse]


def _descriptions(error: DomainError) -> list[str]:
    found = [f"{name}: {message}" for name, messages in error.fields.items() for message in messages]
    return found or [error.message]


def endpoint(*methods: str) -> Callable[[View], View]:
    """An Open311 endpoint: the allowed methods, and every refusal in the spec's error format.

    The spec knows 404 (no such resource), 403 (api_key) and 400 (anything else); past a rate
    limit we answer 429 with Retry-After, which clients need to back off.
    """
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @csrf_exempt  # clients authenticate with api_key, never with a session cookie
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str = formats.XML, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return formats.errors(
                    fmt, 400, [f"{request.method} is not supported here; use {', '.join(methods)}."]
                )
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except RateLimited as error:
                response = formats.errors(fmt, 429, [error.message])
                response["Retry-After"] = str(error.retry_after)
                return response
            except DomainError as error:
                status = error.status if error.status in (403, 404) else 400
                return formats.errors(fmt, status, _descriptions(error))
            # Django's limits on what it parses, met while reading the query string or the body.
            except TooManyFieldsSent:
                return formats.errors(
                    fmt, 400, [f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."]
                )
            except RequestDataTooBig:
                return formats.errors(
                    fmt,
                    400,
                    [f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."],
                )

        return wrapper

    return decorate


@cache
def _description() -> dict[str, Any]:
    return openapi.description()


@endpoint("GET")
def openapi_description(request: HttpRequest, fmt: str) -> HttpResponse:
    """The OpenAPI description of this server (`openapi.py`)."""
    return JsonResponse(_description())


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return respond(fmt, "discovery", documents.discovery(selectors.services_changeset()))


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    municipality = selectors.jurisdiction(get(request.GET, "jurisdiction_id"))
    services_ = [documents.service(category) for category in selectors.services_of(municipality)]
    return respond(fmt, "services", Many("service", services_))


@endpoint("GET")
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    municipality = selectors.jurisdiction(get(request.GET, "jurisdiction_id"))
    category = selectors.service_of(municipality, service_code)
    document = documents.definition(category, selectors.definition_of(category))
    return respond(fmt, "service_definition", document)


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    municipality = selectors.jurisdiction(get(request.GET, "jurisdiction_id"))
    locale = documents.locale_for(municipality)
    query = params.request_query(request.GET, locale.tz)
    with_history = params.extensions(request.GET)
    page = selectors.request_page(municipality, query)
    history = selectors.events_of([row.id for row in page]) if with_history else None
    found = [documents.request(r, locale, history[r.id] if history is not None else None) for r in page]
    return respond(fmt, "service_requests", Many("request", found))


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = params.merged(request)
    # By address first, so that guessing keys is as slow as using one.
    rate_limit("open311", f"ip:{client_ip(request)}")
    municipality = selectors.jurisdiction(get(data, "jurisdiction_id"))
    raw_key = get(data, "api_key")
    if not raw_key:
        raise Forbidden("api_key is missing -- can't proceed with create_request.")
    api_key = selectors.api_key_for(municipality, raw_key)
    if api_key is None:
        raise Forbidden("Invalid api_key received -- can't proceed with create_request.")
    rate_limit("open311", f"key:{api_key.pk}")
    service_code = get(data, "service_code")
    if not service_code:
        raise DomainError("service_code was not provided.")
    report = services.service_request_create(
        api_key=api_key,
        category=selectors.service_of(municipality, service_code),
        latitude=get(data, "lat"),
        longitude=get(data, "long"),
        address_string=get(data, "address_string"),
        address_id=get(data, "address_id"),
        description=data.get("description", ""),
        attributes=params.attributes(data),
        email=get(data, "email"),
        first_name=get(data, "first_name"),
        last_name=get(data, "last_name"),
        phone=get(data, "phone"),
        device_id=get(data, "device_id"),
        account_id=get(data, "account_id"),
        media_url=get(data, "media_url"),
    )
    answer = documents.created(report, report.open311_token.token, get(data, "account_id"))
    return respond(fmt, "service_requests", Many("request", [answer]))


@endpoint("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    municipality = selectors.jurisdiction(get(request.GET, "jurisdiction_id"))
    with_history = params.extensions(request.GET)
    row = selectors.public_request(municipality, request_id)
    history = selectors.events_of([row.id])[row.id] if with_history else None
    document = documents.request(row, documents.locale_for(municipality), history)
    return respond(fmt, "service_requests", Many("request", [document]))


@endpoint("GET")
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """The request a POST's token stands for: its id once a moderator has passed it, none before."""
    municipality = selectors.jurisdiction(get(request.GET, "jurisdiction_id"))
    answer = selectors.token_answer(municipality, token)
    return respond(fmt, "service_requests", Many("request", [documents.token(answer)]))


@endpoint("GET")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """mySociety's servicerequestupdates: status changes with richer states than open and closed."""
    municipality = selectors.jurisdiction(get(request.GET, "jurisdiction_id"))
    locale = documents.locale_for(municipality)
    start, end = params.date_range(request.GET, locale.tz)
    offset, limit = params.paging(request.GET)
    events = selectors.update_page(municipality, start=start, end=end, offset=offset, limit=limit)
    updates = [documents.update(event, locale) for event in events]
    return respond(fmt, "service_requests_updates", Many("request_update", updates))


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    fmt = formats.JSON if path.endswith(".json") else formats.XML
    return formats.errors(fmt, 404, [f"There is no resource at '{path}'. See discovery.xml."])
