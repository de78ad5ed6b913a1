"""Pages every petition shares: its page, its endorse button (sign an appeal, support an initiative) and
its comments, described once per app by a `PetitionPages` and routed by `PetitionPages.urls`.

Without JavaScript the button posts and the page redirects back with a message; through htmx the
box around the button is swapped for the answer. A repeat is no error, whatever the petition's
state: the person is told they have already endorsed it (`petitions.services`). A refusal is shown
in the box (htmx swaps only 2xx answers) or on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from veche.access.functions import access_municipality
from veche.access.predicates import Decision, Feature, Phase, allows
from veche.access.roles import Tier, tier_of
from veche.accounts.models import User
from veche.comments.views import post_comment
from veche.core.errors import DomainError
from veche.core.http import signed_in
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


@dataclass(frozen=True)
class PetitionPages:
    """One app's petition pages: how a request finds the petition, its templates and contexts, and
    the service that endorses it."""

    # access_<thing>(user, id, municipality=): the petition, or NotFound.
    access: Callable[..., Any]
    phase_of: Callable[[Any], Phase]
    page_template: str
    # (request, petition, *, endorse_error="") → the page's context.
    page_context: Callable[..., dict[str, Any]]
    box_template: str
    # (request, petition, *, error="", notice="") → the endorse box's context.
    box_context: Callable[..., dict[str, Any]]
    # (user, petition) → the endorsement (the app's service).
    endorse: Callable[[User, Any], object]
    thanks: str | Promise

    def petition(self, request: HttpRequest, slug: str, petition_id: int) -> Any:
        return self.access(request.user, petition_id, municipality=access_municipality(request.user, slug))

    def detail(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        petition = self.petition(request, slug, petition_id)
        return render(request, self.page_template, self.page_context(request, petition))

    def endorse_page(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        """Endorse without JavaScript (redirect back) or through htmx (the box is swapped)."""
        petition = self.petition(request, slug, petition_id)
        return endorse_view(
            request,
            endorse=lambda: self.endorse(signed_in(request), petition),
            thanks=str(self.thanks),
            answer=EndorseAnswer(
                render=render,
                box_template=self.box_template,
                box_context=lambda **answer: self.box_context(request, petition, **answer),
                page_template=self.page_template,
                page_context=lambda error: self.page_context(request, petition, endorse_error=error),
            ),
            refresh=petition.refresh_from_db,
            back_to=petition.get_absolute_url(),
        )

    def comment(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        petition = self.petition(request, slug, petition_id)
        return post_comment(
            request,
            petition.municipality,
            petition,
            petition.get_absolute_url(),
            self.phase_of(petition),
            paged=True,
        )

    def urls(self, *, endorse: str) -> list[URLPattern]:
        """The routes of these pages: the petition, `<id>/<endorse>/` and `<id>/comments/`."""
        return [
            path("<int:petition_id>/", self.detail, name="detail"),
            path(
                f"<int:petition_id>/{endorse}/", login_required(require_POST(self.endorse_page)), name=endorse
            ),
            path("<int:petition_id>/comments/", login_required(require_POST(self.comment)), name="comment"),
        ]
