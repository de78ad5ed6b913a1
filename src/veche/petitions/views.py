"""Page pieces every petition shares: the endorse button's answer (sign an appeal, support an initiative).

Without JavaScript the button posts and the page redirects back with a message; through htmx the
box around the button is swapped for the answer. A repeat is no error, whatever the petition's
state: the person is told they have already endorsed it (`petitions.services`). A refusal is shown
in the box (htmx swaps only 2xx answers) or on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from veche.access.predicates import Decision, Feature, Phase, allows
from veche.access.roles import Tier, tier_of
from veche.core.errors import DomainError
from veche.core.ratelimit import rate_limit_request
from veche.petitions.services import AlreadyEndorsed


@dataclass(frozen=True)
class EndorseAnswer:
    """Where the answer to an endorsement goes: `render(request, template, context, status)`, the
    box's template and context (given error= or notice=), and the whole page's template and context
    (given the error)."""

    render: Callable[..., HttpResponse]
    box_template: str
    box_context: Callable[..., dict[str, Any]]
    page_template: str
    page_context: Callable[[str], dict[str, Any]]


def endorse_view(
    request: HttpRequest,
    *,
    endorse: Callable[[], object],
    thanks: str,
    answer: EndorseAnswer,
    refresh: Callable[[], None],
    back_to: str,
) -> HttpResponse:
    """Run `endorse` (the app's service) under the write rate limit and answer as the module says."""
    htmx = bool(getattr(request, "htmx", False))
    try:
        rate_limit_request("write", request)
        endorse()
    except AlreadyEndorsed as again:
        notice = again.message
    except DomainError as error:
        if htmx:
            return answer.render(request, answer.box_template, answer.box_context(error=error.message))
        return answer.render(
            request, answer.page_template, answer.page_context(error.message), status=error.status
        )
    else:
        notice = thanks
    if htmx:
        refresh()  # the counts the box shows changed
        return answer.render(request, answer.box_template, answer.box_context(notice=notice))
    messages.success(request, notice)
    return redirect(back_to)


def endorse_box_context(
    request: HttpRequest,
    petition: Any,
    phase: Phase,
    *,
    endorsement: Any,
    takes_endorsements: bool = True,
    decision: Decision | None = None,
    error: str = "",
    notice: str = "",
) -> dict[str, Any]:
    """What every endorse box shows: this person's endorsement, whether the petition collects, whether
    they may endorse (`decision`, or the phase's) or why not, and whether verifying their residence
    would let them."""
    municipality = petition.municipality
    if decision is None:
        decision = allows(request.user, municipality, Feature.SUPPORT, phase)
    return {
        "municipality": municipality,
        "endorsement": endorsement,
        "collecting": Feature.SUPPORT in phase.features and takes_endorsements,
        "can_endorse": decision,
        "needs_verification": tier_of(request.user, municipality) == Tier.REGISTERED,
        "endorse_error": error,
        "endorse_notice": notice,
    }
