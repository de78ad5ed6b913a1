"""The pages every kind of petition has, written once: publishing one, its page with its endorse button
(sign an appeal, support an initiative) and its comments, the official answer, and the municipality's
policy of that kind.

A kind (appeals, initiatives) subclasses `PetitionPages`, as a ModelAdmin is subclassed: it names its
rules, words, forms and services, and fills in the hooks; `PetitionPages.urls` routes the pages, and
`PetitionPages.button` makes its own one-button pages (closing an appeal, publishing a draft).
Templates are the app's, named after the routes: `<app>/create.html`, `<app>/policy.html`,
`<app>/detail.html` with the endorse box `<app>/_<endorse action>.html`, and `<app>/answer.html`; each
is given the municipality, the petition under the model's name (`appeal`, `initiative`) and the
app's `Status`.

Without JavaScript the endorse button posts and the page redirects back with a message; through htmx
the box around the button is swapped for the answer. A repeat is no error, whatever the petition's
state: the person is told they have already endorsed it (`petitions.services`). A refusal is shown
in the box (htmx swaps only 2xx answers) or on the page.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from veche.access.functions import access_municipality, access_municipality_staff, is_author
from veche.access.predicates import Decision, Feature, Phase, allows
from veche.access.roles import Tier, has_permission, tier_of
from veche.accounts.models import User
from veche.comments.forms import CommentForm
from veche.comments.selectors import THREAD_PAGE_SIZE, comments_for
from veche.comments.views import post_comment
from veche.core.errors import DomainError
from veche.core.forms import form_page, press
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day
from veche.petitions.selectors import endorsement_of
from veche.petitions.services import AlreadyEndorsed, PetitionRules, petition_endorse

_FORM_PAGE = require_http_methods(["GET", "POST"])


class PetitionPages:
    """One kind's petition pages. A subclass sets the attributes and fills in the hooks."""

    # The kind: its model (whose app names the templates and routes), phases and endorse service.
    rules: PetitionRules[Any]
    # The app's statuses, `Status` in the templates.
    statuses: type[models.TextChoices]
    # The endorse button's route ("sign"), which names its box's template too ("_sign.html").
    endorse_action: str
    # What the person is told once their endorsement is counted.
    thanks: StrOrPromise
    # What the author is told once it is published (or drafted).
    created: StrOrPromise
    # The answer: its form (given the POST), and what the official is told once it is published.
    answer_form: type[forms.Form]
    answered: StrOrPromise
    # access_<thing>(user, id, municipality=): the petition, for whoever may see it, and for whoever
    # answers it; NotFound for everyone else.
    access: Callable[..., Any]
    access_to_answer: Callable[..., Any]

    # Hooks every kind fills in.

    def create_form(self, request: HttpRequest, municipality: Municipality) -> forms.Form:
        """The publishing form, given the POST (or None)."""
        raise NotImplementedError

    def create(self, author: User, municipality: Municipality, data: dict[str, Any]) -> Any:
        """Publish (or draft) a petition from the form's cleaned `data`: the app's service."""
        raise NotImplementedError

    def create_context(self, request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
        """What the publishing page shows besides its form: whether the person may publish, the policy."""
        raise NotImplementedError

    def answer(self, official: User, petition: Any, form: Any) -> object:
        """Publish the answer the valid `form` holds: the app's service."""
        raise NotImplementedError

    def policy_form(self, request: HttpRequest, municipality: Municipality) -> forms.Form:
        """The policy's form, given the POST (or None), showing the policy as it stands."""
        raise NotImplementedError

    def save_policy(self, actor: User, municipality: Municipality, form: Any) -> object:
        """Save the policy the valid `form` holds: the app's service."""
        raise NotImplementedError

    # Hooks a kind may fill in.

    def takes_endorsements(self, petition: Any) -> bool:
        """Whether the petition takes endorsements now, besides what its phase opens (an initiative's
        window)."""
        return True

    def endorse_decision(self, user: Any, petition: Any, phase: Phase) -> Decision:
        """Whether `user` may endorse the petition, or why not (the phase's tier; a district's initiative
        adds its district)."""
        return allows(user, petition.municipality, Feature.SUPPORT, phase)

    def page_extra(self, request: HttpRequest, petition: Any, context: dict[str, Any]) -> dict[str, Any]:
        """What the petition's page adds to `context` (what every petition's page shows)."""
        return {}

    def answer_extra(self, petition: Any) -> dict[str, Any]:
        """What the answer page shows besides the petition and the form."""
        return {}

    def policy_extra(self, municipality: Municipality) -> dict[str, Any]:
        """What the policy page shows besides the form."""
        return {}

    # What every kind shares.

    def template(self, page: str) -> str:
        return f"{self.rules.model._meta.app_label}/{page}.html"

    def petition(
        self,
        request: HttpRequest,
        slug: str,
        petition_id: int,
        access: Callable[..., Any] | None = None,
    ) -> Any:
        """The petition a page names, through `access` (`self.access` unless given)."""
        municipality = access_municipality(request.user, slug)
        return (access or self.access)(request.user, petition_id, municipality=municipality)

    def petition_context(self, petition: Any) -> dict[str, Any]:
        return {
            "municipality": petition.municipality,
            str(self.rules.model._meta.model_name): petition,
            "Status": self.statuses,
        }

    def box_context(
        self, request: HttpRequest, petition: Any, *, error: str = "", notice: str = ""
    ) -> dict[str, Any]:
        """What every endorse box shows: this person's endorsement, whether the petition collects, whether
        they may endorse or why not, whether verifying their residence would let them, how far it got."""
        user = request.user
        phase = self.rules.phase_of(petition)
        return {
            **self.petition_context(petition),
            "endorsement": endorsement_of(self.rules.endorsement, petition=petition, user=user),
            "collecting": Feature.SUPPORT in phase.features and self.takes_endorsements(petition),
            "can_endorse": self.endorse_decision(user, petition, phase),
            "needs_verification": tier_of(user, petition.municipality) == Tier.REGISTERED,
            "endorse_error": error,
            "endorse_notice": notice,
            "progress": min(petition.endorsements_count, petition.threshold or 0),
        }

    def page_context(self, request: HttpRequest, petition: Any, *, endorse_error: str = "") -> dict[str, Any]:
        """What every petition's page shows: the endorse box, the discussion, who may do what, and
        whether the answer is overdue; then what the kind adds (`page_extra`)."""
        user = request.user
        municipality = petition.municipality
        comments = comments_for(target=petition, viewer=user, replies=False).order_by("created_at", "id")
        context = {
            **self.box_context(request, petition, error=endorse_error),
            "comments": Paginator(comments, THREAD_PAGE_SIZE).get_page(request.GET.get("page")),
            "comment_form": CommentForm(),
            "can_comment": allows(user, municipality, Feature.COMMENT, self.rules.phase_of(petition)),
            "can_answer": has_permission(user, municipality, self.rules.answer_permission),
            "is_author": is_author(user, petition),
            "overdue": petition.is_overdue(local_day(municipality)),
        }
        return {**context, **self.page_extra(request, petition, context)}

    # The pages.

    def create_page(self, request: HttpRequest, slug: str) -> HttpResponse:
        municipality = access_municipality(request.user, slug)
        return form_page(
            request,
            self.create_form(request, municipality),
            lambda data: self.create(signed_in(request), municipality, data),
            done=self.created,
            then=lambda petition: str(petition.get_absolute_url()),
            template=self.template("create"),
            context=lambda: {"municipality": municipality, **self.create_context(request, municipality)},
        )

    def policy_page(self, request: HttpRequest, slug: str) -> HttpResponse:
        municipality = access_municipality_staff(request.user, slug, "manage_municipality")
        form = self.policy_form(request, municipality)
        return form_page(
            request,
            form,
            lambda _data: self.save_policy(signed_in(request), municipality, form),
            done=_("Saved."),
            then=reverse(f"{self.rules.model._meta.app_label}:policy", args=[slug]),
            template=self.template("policy"),
            context=lambda: {"municipality": municipality, **self.policy_extra(municipality)},
        )

    def detail(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        petition = self.petition(request, slug, petition_id)
        return render(request, self.template("detail"), self.page_context(request, petition))

    def endorse_page(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        """Endorse without JavaScript (redirect back) or through htmx (the box is swapped), under the
        write rate limit; the answer as the module says."""
        petition = self.petition(request, slug, petition_id)
        htmx = bool(getattr(request, "htmx", False))
        box = self.template(f"_{self.endorse_action}")
        try:
            rate_limit_request("write", request)
            petition_endorse(rules=self.rules, user=signed_in(request), petition=petition, now=timezone.now())
        except AlreadyEndorsed as again:
            notice = again.message
        except DomainError as error:
            if htmx:
                return render(request, box, self.box_context(request, petition, error=error.message))
            context = self.page_context(request, petition, endorse_error=error.message)
            return render(request, self.template("detail"), context, status=error.status)
        else:
            notice = str(self.thanks)
        if htmx:
            petition.refresh_from_db()  # the counts the box shows changed
            return render(request, box, self.box_context(request, petition, notice=notice))
        messages.success(request, notice)
        return redirect(petition.get_absolute_url())

    def comment(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        petition = self.petition(request, slug, petition_id)
        return post_comment(
            request,
            petition.municipality,
            petition,
            petition.get_absolute_url(),
            self.rules.phase_of(petition),
            paged=True,
        )

    def answer_page(self, request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
        petition = self.petition(request, slug, petition_id, access=self.access_to_answer)
        form = self.answer_form(request.POST or None)
        return form_page(
            request,
            form,
            lambda _data: self.answer(signed_in(request), petition, form),
            done=self.answered,
            then=petition.get_absolute_url(),
            template=self.template("answer"),
            context=lambda: {**self.petition_context(petition), **self.answer_extra(petition)},
        )

    def button(
        self,
        act: Callable[[User, Any], object],
        *,
        done: StrOrPromise,
        access: Callable[..., Any] | None = None,
    ) -> Callable[..., HttpResponse]:
        """A one-button page of the kind's own (close an appeal, publish a draft): `act(person, petition)`
        through `press`, then back to the petition, found by `access` (`self.access` unless given)."""

        def view(request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
            petition = self.petition(request, slug, petition_id, access=access)
            return press(
                request,
                lambda: act(signed_in(request), petition),
                done=str(done),
                back_to=petition.get_absolute_url(),
            )

        return login_required(require_POST(view))

    def urls(self) -> list[URLPattern]:
        """The routes of these pages: new/, policy/, and under <id>/ the petition, its endorse button,
        its comments and its answer."""
        return [
            path("new/", login_required(_FORM_PAGE(self.create_page)), name="create"),
            path("policy/", login_required(_FORM_PAGE(self.policy_page)), name="policy"),
            path("<int:petition_id>/", self.detail, name="detail"),
            path(
                f"<int:petition_id>/{self.endorse_action}/",
                login_required(require_POST(self.endorse_page)),
                name=self.endorse_action,
            ),
            path("<int:petition_id>/comments/", login_required(require_POST(self.comment)), name="comment"),
            path("<int:petition_id>/answer/", login_required(_FORM_PAGE(self.answer_page)), name="answer"),
        ]
