"""Pages of initiatives: the list, editing a draft, the vote's result and the milestones are the
initiatives' own; drafting, publishing, one initiative, support, the answer and the policy are every
petition's (`petitions.views.PetitionPages`)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.access.predicates import Decision, Feature, Phase, allows
from veche.access.roles import has_permission, verified_district
from veche.accounts.models import User
from veche.core.forms import checked, form_page, press
from veche.core.http import signed_in
from veche.initiatives import services
from veche.initiatives.access import (
    access_initiative,
    access_initiative_draft,
    access_initiative_to_answer,
    access_milestone,
    can_answer_initiatives,
)
from veche.initiatives.forms import (
    AnswerForm,
    CompleteForm,
    DecideForm,
    InitiativeFilterForm,
    InitiativeForm,
    MilestoneForm,
    PolicyForm,
)
from veche.initiatives.models import Initiative, Status, ThresholdKind
from veche.initiatives.phases import DRAFTING, PUBLISHING
from veche.initiatives.selectors import (
    district_residents_of,
    initiative_drafts_of,
    initiative_milestones,
    initiative_policy_of,
    initiatives_for,
    initiatives_overdue_count,
    threshold_for,
    vote_leaders,
)
from veche.municipalities.models import District, Municipality
from veche.petitions.views import PetitionPages
from veche.polls.access import results_public
from veche.polls.models import Status as PollStatus

PAGE_SIZE = 20


def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    filters = InitiativeFilterForm(request.GET, municipality=municipality, viewer=request.user)
    initiatives = initiatives_for(municipality=municipality, viewer=request.user, **filters.filters())
    policy = initiative_policy_of(municipality=municipality)
    can_answer = can_answer_initiatives(request.user, municipality)
    context = {
        "municipality": municipality,
        "page": Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "drafts": list(initiative_drafts_of(municipality=municipality, author=request.user)[:PAGE_SIZE]),
        "policy": policy,
        "threshold": threshold_for(policy=policy, municipality=municipality, district=None),
        "by_share": policy.threshold_kind == ThresholdKind.SHARE,
        "can_propose": allows(request.user, municipality, Feature.SUBMIT, DRAFTING),
        "can_manage": has_permission(request.user, municipality, "manage_municipality"),
        "can_answer": can_answer,
        # Those who owe the answers see how many are late.
        "overdue_count": initiatives_overdue_count(municipality=municipality) if can_answer else None,
        "Status": Status,
    }
    return render(request, "initiatives/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, slug: str, initiative_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_draft(request.user, initiative_id, municipality=municipality)
    if not initiative.is_draft:
        messages.info(request, _("A published initiative cannot be changed."))
        return redirect(services.initiative_url(initiative))
    initial = {"title": initiative.title, "body": initiative.body, "district": initiative.district}
    return form_page(
        request,
        InitiativeForm(request.POST or None, municipality=municipality, initial=initial),
        lambda data: services.initiative_update(author=signed_in(request), initiative=initiative, **data),
        done=_("Saved."),
        then=services.initiative_url(initiative),
        template="initiatives/create.html",
        context=lambda: {
            "municipality": municipality,
            **PAGES.create_context(request, municipality),
            "initiative": initiative,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, initiative_id: int) -> HttpResponse:
    """Publish the option the residents chose (naming one when several tie)."""
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_to_answer(request.user, initiative_id, municipality=municipality)
    form = DecideForm(request.POST)
    option = form.cleaned_data.get("option") if form.is_valid() else None
    return press(
        request,
        lambda: services.initiative_decide(
            official=signed_in(request), initiative=initiative, option_id=option
        ),
        done=_("The result is published. Everyone concerned is notified."),
        back_to=f"{services.initiative_url(initiative)}#vote",
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestones(request: HttpRequest, slug: str, initiative_id: int) -> HttpResponse:
    """The implementation's milestones, for those who answer: plan one, mark one done."""
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_to_answer(request.user, initiative_id, municipality=municipality)
    return form_page(
        request,
        MilestoneForm(request.POST or None, request.FILES or None),
        lambda data: services.milestone_add(official=signed_in(request), initiative=initiative, **data),
        done=_("The milestone is added."),
        then=reverse("initiatives:milestones", args=[slug, initiative.pk]),
        template="initiatives/milestones.html",
        context=lambda: {
            "municipality": municipality,
            "initiative": initiative,
            "complete_form": CompleteForm(),
            "milestones": initiative_milestones(initiative=initiative),
            "Status": Status,
        },
    )


@login_required
@require_POST
def milestone_complete(
    request: HttpRequest, slug: str, initiative_id: int, milestone_id: int
) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_to_answer(request.user, initiative_id, municipality=municipality)
    milestone = access_milestone(request.user, initiative, milestone_id)
    form = CompleteForm(request.POST, request.FILES)

    def complete() -> object:
        photos = checked(form)["photos"]
        return services.milestone_complete(official=signed_in(request), milestone=milestone, photos=photos)

    return press(
        request,
        complete,
        done=_("The milestone is marked done. Everyone concerned is notified."),
        back_to=reverse("initiatives:milestones", args=[slug, initiative.pk]),
    )


class InitiativePages(PetitionPages):
    """An initiative starts as its author's draft; published by a verified resident, it is supported
    within a window, and only from its district if it has one. Accepted, it goes to a vote on options."""

    rules = services.RULES
    statuses = Status
    access = staticmethod(access_initiative)

    # Drafting.
    created = gettext_lazy("Your draft is saved. Only you see it until you publish it.")

    def create_form(self, request: HttpRequest, municipality: Municipality) -> forms.Form:
        return InitiativeForm(request.POST or None, municipality=municipality)

    def create(self, author: User, municipality: Municipality, data: dict[str, Any]) -> Initiative:
        return services.initiative_create(author=author, municipality=municipality, **data)

    def create_context(self, request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
        return {
            "initiative": None,
            "can_propose": allows(request.user, municipality, Feature.SUBMIT, DRAFTING),
            "policy": initiative_policy_of(municipality=municipality),
        }

    # Support.
    endorse_action = "support"
    thanks = gettext_lazy("Thank you. Your support is counted and recorded in the public ledger.")

    def takes_endorsements(self, petition: Any) -> bool:
        """Support is taken within the window only."""
        ends = petition.support_ends_at
        return ends is not None and timezone.now() < ends

    def endorse_decision(self, user: Any, petition: Any, phase: Phase) -> Decision:
        """A district's initiative is supported only by residents verified in its district."""
        decision = super().endorse_decision(user, petition, phase)
        if decision and petition.district_id is not None:
            district = verified_district(user=user, municipality=petition.municipality)
            reason = services.district_refusal(petition, district)
            if reason:
                return Decision(False, reason)
        return decision

    def page_extra(self, request: HttpRequest, petition: Any, context: dict[str, Any]) -> dict[str, Any]:
        """Publishing a draft; once accepted, the vote on the options, its result and the milestones."""
        now = timezone.now()
        poll = petition.poll
        poll_status = poll.status_at(now) if poll is not None else None
        # Those who answer publish the result once the vote has closed; they pick among tied leaders.
        leaders = (
            vote_leaders(poll=poll)
            if poll is not None
            and context["can_answer"]
            and poll_status == PollStatus.CLOSED
            and petition.status in (Status.ACCEPTED, Status.VOTING)
            else []
        )
        return {
            "can_publish": allows(request.user, petition.municipality, Feature.SUBMIT, PUBLISHING),
            "poll": poll,
            "poll_status": poll_status,
            "options": list(poll.options.all()) if poll is not None else [],
            "results_public": poll is not None and results_public(poll, now),
            "leaders": leaders,
            "milestones": initiative_milestones(initiative=petition) if poll is not None else [],
            "PollStatus": PollStatus,
        }

    # The answer.
    access_to_answer = staticmethod(access_initiative_to_answer)
    answer_form = AnswerForm
    answered = gettext_lazy("The answer is published. Everyone concerned is notified.")

    def answer(self, official: User, petition: Any, form: AnswerForm) -> Initiative:
        """Reject with the reasons, or accept with the options residents vote on."""
        data = form.cleaned_data
        if data["decision"] == "reject":
            return services.initiative_reject(official=official, initiative=petition, reasons=data["answer"])
        return services.initiative_accept(
            official=official,
            initiative=petition,
            answer=data["answer"],
            options=form.option_list(),
            opens_at=data["opens_at"],
            voting_days=data["voting_days"],
        )

    def answer_extra(self, petition: Any) -> dict[str, Any]:
        return {"policy": initiative_policy_of(municipality=petition.municipality)}

    # The policy.

    def policy_form(self, request: HttpRequest, municipality: Municipality) -> forms.Form:
        current = initiative_policy_of(municipality=municipality)
        fields = ["support_days", "threshold_kind", "support_threshold", "support_percent", "scope"]
        return PolicyForm(
            request.POST or None,
            districts=list(District.objects.filter(municipality=municipality).order_by("name")),
            residents=district_residents_of(policy=current),
            initial={name: getattr(current, name) for name in [*fields, "answer_days", "voting_days"]},
        )

    def save_policy(self, actor: User, municipality: Municipality, form: PolicyForm) -> object:
        return services.initiative_policy_save(
            actor=actor,
            municipality=municipality,
            district_residents=form.district_residents(),
            **form.policy_fields(),
        )

    def policy_extra(self, municipality: Municipality) -> dict[str, Any]:
        return {"population": municipality.population}


PAGES = InitiativePages()

# The author publishes the draft: it collects support from now on.
publish = PAGES.button(
    lambda author, initiative: services.initiative_publish(author=author, initiative=initiative),
    done=gettext_lazy("Your initiative is published. Now ask your neighbours to support it."),
    access=access_initiative_draft,
)
