"""One view body for "add my name" buttons (sign an appeal, support an initiative).

Without JavaScript the button posts and the page redirects back with a message; through htmx the
box around the button is swapped for the answer. A repeat is no error: the person is told they
have already signed. A refusal is shown in the box (htmx swaps only 2xx answers) or on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from veche.core.errors import DomainError
from veche.core.ratelimit import rate_limit_request


@dataclass(frozen=True)
class NameBox:
    """Where the answer goes: `render(request, template, context, status)`, the box's template and
    context (given error= or notice=), and the whole page's template and context (given the error)."""

    render: Callable[..., HttpResponse]
    box_template: str
    box_context: Callable[..., dict[str, Any]]
    page_template: str
    page_context: Callable[[str], dict[str, Any]]


def add_name(
    request: HttpRequest,
    *,
    act: Callable[[], object],
    repeat: type[DomainError],
    thanks: str,
    box: NameBox,
    refresh: Callable[[], None],
    back_to: str,
) -> HttpResponse:
    """Run `act` (the service) under the write rate limit and answer as the module says."""
    htmx = bool(getattr(request, "htmx", False))
    try:
        rate_limit_request("write", request)
        act()
    except repeat as again:
        notice = again.message
    except DomainError as error:
        if htmx:
            return box.render(request, box.box_template, box.box_context(error=error.message))
        return box.render(request, box.page_template, box.page_context(error.message), status=error.status)
    else:
        notice = thanks
    if htmx:
        refresh()  # the counts the box shows changed
        return box.render(request, box.box_template, box.box_context(notice=notice))
    messages.success(request, notice)
    return redirect(back_to)
