"""Form helpers shared by every app: length limits, DomainError shown on the form, submitting a form
(`submit`), a whole form page (`form_page`) and pressing a one-button form (`press`)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django_stubs_ext import StrOrPromise

from veche.core.errors import DomainError, RateLimited
from veche.core.ratelimit import rate_limit_request

T = TypeVar("T")


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: field messages on their fields, the rest on top.

    (A rate limit's page also needs Retry-After: `rate_limit` keeps the wait on the request, and
    `DomainErrorMiddleware` adds the header to the 429, whichever app rendered it.)
    """
    placed = False
    for name, texts in error.fields.items():
        for message in texts:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def page_status(failed: bool, refusal: DomainError | None) -> int:
    """The status of a form page that keeps its refusals at 400: 429 when a rate limit refused it
    (its Retry-After comes from `DomainErrorMiddleware`), 400 when the form failed, else 200."""
    return 429 if isinstance(refusal, RateLimited) else 400 if failed else 200


# `ok` tells the two outcomes apart, so that `if submitted.ok:` narrows the type to `Written`.
@dataclass(frozen=True)
class Written(Generic[T]):
    result: T
    ok: Literal[True] = True


@dataclass(frozen=True)
class NotWritten:
    status: int
    refusal: DomainError | None = None
    ok: Literal[False] = False


Submitted: TypeAlias = Written[T] | NotWritten


def submit(
    request: HttpRequest, form: forms.BaseForm, write: Callable[[dict[str, Any]], T], *, scope: str = "write"
) -> Submitted[T]:
    """Carry out a form page's POST: validate, rate-limit `scope`, then `write(form.cleaned_data)`.

    `Written(result)` when the write went through: the view says so and redirects. Otherwise
    `NotWritten(status, refusal)`, and the view shows the form again with `status`: 200 for a GET,
    400 for an invalid form, or the refusal's own status (429 for a rate limit) when a DomainError
    refused it; the refusal's messages are then on the form (see `apply_domain_error`), and a rate
    limit's page gets its Retry-After header.
    """
    if request.method != "POST":
        return NotWritten(200)
    if not form.is_valid():
        return NotWritten(400)
    try:
        rate_limit_request(scope, request)
        result = write(form.cleaned_data)
    except DomainError as error:
        apply_domain_error(form, error)
        return NotWritten(error.status, error)
    return Written(result)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[dict[str, Any]], T],
    *,
    done: StrOrPromise,
    then: str | Callable[[T], str],
    template: str,
    context: Callable[[], Mapping[str, Any]],
    scope: str = "write",
) -> HttpResponse:
    """A whole form page, GET and POST: `submit` the form to `write`; when it went through, the message
    `done` and a redirect to `then` (or `then(result)`); otherwise the page again, `template` with the
    form and `context()` (read after the write was refused, so that it shows what stands now), with
    `submit`'s status (200, 400, or the refusal's)."""
    submitted = submit(request, form, write, scope=scope)
    if submitted.ok:
        messages.success(request, done)
        return redirect(then(submitted.result) if callable(then) else then)
    return render(request, template, {"form": form, **context()}, status=submitted.status)


def checked(form: forms.Form, message: str = "") -> dict[str, Any]:
    """A button's small form (a reason, a phase to move to), cleaned; or a DomainError that `press`
    shows: `message` when given, else the form's own field messages."""
    if not form.is_valid():
        fields = {} if message else {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        raise DomainError(message or None, fields=fields)
    return form.cleaned_data


def press(
    request: HttpRequest,
    act: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    back_to: str,
    then: str | Callable[[T], str] | None = None,
    about: str = "",
    scope: str = "write",
) -> HttpResponse:
    """Carry out a one-button POST (publish, close, withdraw, move a phase, decide...): rate-limit
    `scope`, run `act` (the service), say how it went and redirect.

    - Went through: the message `done` (or `done(result)`), then to `then` (or `then(result)`;
      `back_to` when not given).
    - Not found or forbidden (status 404 or 403): raised, so that `DomainErrorMiddleware` renders
      the error page with its status; whoever may not see or do it learns nothing more.
    - Any other refusal (a Conflict, a DomainError, a rate limit): its message (field messages
      first, see `DomainError.summary`; after "`about`: " when given, to say which of a list's
      buttons it was) as an error, back to `back_to`; a rate limit's redirect carries Retry-After.
      The service wrote nothing.

    The answer is a redirect (302) for htmx requests too: no button that uses this swaps a part of
    the page, so htmx follows it like a browser. A script that asks for JSON (`Accept:
    application/json`, e.g. the "Me too" of the report form's nearby box) gets `{"message": ...}`
    instead, or `{"error": {code, message, fields}}` with the refusal's status, and no flash message
    waits for its next page.
    """
    json = "application/json" in request.headers.get("Accept", "")
    try:
        rate_limit_request(scope, request)
        result = act()
    except DomainError as error:
        if json:
            return _json_refusal(error)
        if error.status in (403, 404):
            raise
        wait = error.retry_after if isinstance(error, RateLimited) else None
        messages.error(request, f"{about}: {error.summary}" if about and wait is None else error.summary)
        response = redirect(back_to)
        if wait is not None:
            response["Retry-After"] = str(wait)
        return response
    notice = done(result) if callable(done) else done
    if json:
        return JsonResponse({"message": str(notice)})
    if notice:
        messages.success(request, notice)
    target = then(result) if callable(then) else then
    return redirect(target or back_to)


def _json_refusal(error: DomainError) -> HttpResponse:
    response = JsonResponse({"error": error.as_dict()}, status=error.status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Django's, refusing an id outside a 64-bit integer before it reaches the database: SQLite
    raises OverflowError on it (a 500) where PostgreSQL finds nothing."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not -(2**63) <= int(text) < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class MarkdownField(forms.CharField):
    """Text a person writes, limited to TEXT_MAX_LENGTH characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", settings.TEXT_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)
