"""Pages of initiatives: the list, one initiative, drafts, support, the answer, the result, milestones."""

from typing import Any

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

from veche.access.functions import access_municipality, access_municipality_staff
from veche.access.predicates import Decision, Feature, allows
from veche.access.roles import has_permission, verified_district
from veche.comments.forms import CommentForm
from veche.comments.selectors import THREAD_PAGE_SIZE, comments_for
from veche.core.forms import checked, press, submit
from veche.core.http import signed_in
from veche.initiatives import services
from veche.initiatives.access import (
    access_initiative,
    access_initiative_draft,
    access_initiative_to_answer,
    access_milestone,
    can_answer_initiatives,
    is_initiative_author,
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
from veche.initiatives.phases import DRAFTING, PUBLISHING, phase_of
from veche.initiatives.selectors import (
    district_residents_of,
    initiative_drafts_of,
    initiative_milestones,
    initiative_policy_of,
    initiative_support_of,
    initiatives_for,
    initiatives_overdue_count,
    threshold_for,
    vote_leaders,
)
from veche.municipalities.models import District
from veche.municipalities.zones import local_day
from veche.petitions.views import PetitionPages, endorse_box_context
from veche.polls.access import results_public
from veche.polls.models import Status as PollStatus

PAGE_SIZE = 20


def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    filters = InitiativeFilterForm(request.GET, municipality=municipality)
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
def initiative_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    form = InitiativeForm(request.POST or None, municipality=municipality)
    submitted = submit(
        request,
        form,
        lambda data: services.initiative_create(author=signed_in(request), municipality=municipality, **data),
    )
    if submitted.ok:
        messages.success(request, _("Your draft is saved. Only you see it until you publish it."))
        return redirect(services.initiative_url(submitted.result))
    context = {
        "municipality": municipality,
        "form": form,
        "initiative": None,
        "can_propose": allows(request.user, municipality, Feature.SUBMIT, DRAFTING),
        "policy": initiative_policy_of(municipality=municipality),
    }
    return render(request, "initiatives/edit.html", context, status=submitted.status)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, slug: str, initiative_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_draft(request.user, initiative_id, municipality=municipality)
    if not initiative.is_draft:
        messages.info(request, _("A published initiative cannot be changed."))
        return redirect(services.initiative_url(initiative))
    initial = {"title": initiative.title, "body": initiative.body, "district": initiative.district}
    form = InitiativeForm(request.POST or None, municipality=municipality, initial=initial)
    submitted = submit(
        request,
        form,
        lambda data: services.initiative_update(author=signed_in(request), initiative=initiative, **data),
    )
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect(services.initiative_url(initiative))
    context = {
        "municipality": municipality,
        "form": form,
        "initiative": initiative,
        "can_propose": allows(request.user, municipality, Feature.SUBMIT, DRAFTING),
        "policy": initiative_policy_of(municipality=municipality),
    }
    return render(request, "initiatives/edit.html", context, status=submitted.status)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, initiative_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_draft(request.user, initiative_id, municipality=municipality)
    return press(
        request,
        lambda: services.initiative_publish(author=signed_in(request), initiative=initiative),
        done=_("Your initiative is published. Now ask your neighbours to support it."),
        back_to=services.initiative_url(initiative),
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str, initiative_id: int) -> HttpResponse:
    """The official answer: reject with reasons, or accept with the options residents vote on."""
    municipality = access_municipality(request.user, slug)
    initiative = access_initiative_to_answer(request.user, initiative_id, municipality=municipality)

    def write(data: dict[str, Any]) -> None:
        if data["decision"] == "reject":
            services.initiative_reject(
                official=signed_in(request), initiative=initiative, reasons=data["answer"]
            )
        else:
            services.initiative_accept(
                official=signed_in(request),
                initiative=initiative,
                answer=data["answer"],
                options=form.option_list(),
                opens_at=data["opens_at"],
                voting_days=data["voting_days"],
            )

    form = AnswerForm(request.POST or None)
    submitted = submit(request, form, write)
    if submitted.ok:
        messages.success(request, _("The answer is published. Everyone concerned is notified."))
        return redirect(services.initiative_url(initiative))
    context = {
        "municipality": municipality,
        "initiative": initiative,
        "form": form,
        "policy": initiative_policy_of(municipality=municipality),
        "Status": Status,
    }
    return render(request, "initiatives/answer.html", context, status=submitted.status)


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
    form = MilestoneForm(request.POST or None, request.FILES or None)
    submitted = submit(
        request,
        form,
        lambda data: services.milestone_add(official=signed_in(request), initiative=initiative, **data),
    )
    if submitted.ok:
        messages.success(request, _("The milestone is added."))
        return redirect("initiatives:milestones", slug=slug, initiative_id=initiative.pk)
    context = {
        "municipality": municipality,
        "initiative": initiative,
        "form": form,
        "complete_form": CompleteForm(),
        "milestones": initiative_milestones(initiative=initiative),
        "Status": Status,
    }
    return render(request, "initiatives/milestones.html", context, status=submitted.status)


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


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "manage_municipality")
    current = initiative_policy_of(municipality=municipality)
    districts = list(District.objects.filter(municipality=municipality).order_by("name"))
    fields = ["support_days", "threshold_kind", "support_threshold", "support_percent", "scope"]
    form = PolicyForm(
        request.POST or None,
        districts=districts,
        residents=district_residents_of(policy=current),
        initial={name: getattr(current, name) for name in [*fields, "answer_days", "voting_days"]},
    )
    submitted = submit(
        request,
        form,
        lambda _data: services.initiative_policy_save(
            actor=signed_in(request),
            municipality=municipality,
            district_residents=form.district_residents(),
            **form.policy_fields(),
        ),
    )
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect("initiatives:policy", slug=slug)
    context = {"municipality": municipality, "form": form, "population": municipality.population}
    return render(request, "initiatives/policy.html", context, status=submitted.status)


# Contexts.


def _support_context(
    request: HttpRequest, initiative: Initiative, *, error: str = "", notice: str = ""
) -> dict[str, Any]:
    user = request.user
    municipality = initiative.municipality
    phase = phase_of(initiative)
    ends = initiative.support_ends_at
    decision = allows(user, municipality, Feature.SUPPORT, phase)
    if decision and initiative.district_id is not None:
        reason = services.district_refusal(
            initiative, verified_district(user=user, municipality=municipality)
        )
        if reason:
            decision = Decision(False, reason)
    return {
        **endorse_box_context(
            request,
            initiative,
            phase,
            endorsement=initiative_support_of(initiative=initiative, user=user),
            takes_endorsements=ends is not None and timezone.now() < ends,
            decision=decision,
            error=error,
            notice=notice,
        ),
        "initiative": initiative,
        "progress": min(initiative.endorsements_count, initiative.threshold or 0),
        "Status": Status,
    }


def _detail_context(
    request: HttpRequest, initiative: Initiative, *, endorse_error: str = ""
) -> dict[str, Any]:
    user = request.user
    municipality = initiative.municipality
    now = timezone.now()
    can_answer = can_answer_initiatives(user, municipality)
    poll = initiative.poll
    poll_status = poll.status_at(now) if poll is not None else None
    # Those who answer publish the result once the vote has closed; they pick among tied leaders.
    leaders = (
        vote_leaders(poll=poll)
        if poll is not None
        and can_answer
        and poll_status == PollStatus.CLOSED
        and initiative.status in (Status.ACCEPTED, Status.VOTING)
        else []
    )
    comments = comments_for(target=initiative, viewer=user).order_by("created_at", "id")
    return {
        **_support_context(request, initiative, error=endorse_error),
        "comments": Paginator(comments, THREAD_PAGE_SIZE).get_page(request.GET.get("page")),
        "comment_form": CommentForm(),
        "can_comment": allows(user, municipality, Feature.COMMENT, phase_of(initiative)),
        "can_answer": can_answer,
        "can_publish": allows(user, municipality, Feature.SUBMIT, PUBLISHING),
        "is_author": is_initiative_author(user, initiative),
        "overdue": initiative.is_overdue(local_day(municipality, now)),
        "poll": poll,
        "poll_status": poll_status,
        "options": list(poll.options.all()) if poll is not None else [],
        "results_public": poll is not None and results_public(poll, now),
        "leaders": leaders,
        "milestones": initiative_milestones(initiative=initiative) if poll is not None else [],
        "PollStatus": PollStatus,
    }


PAGES = PetitionPages(
    access=access_initiative,
    phase_of=phase_of,
    page_template="initiatives/detail.html",
    page_context=_detail_context,
    box_template="initiatives/_support.html",
    box_context=_support_context,
    endorse=lambda user, initiative: services.initiative_support(user=user, initiative=initiative),
    thanks=gettext_lazy("Thank you. Your support is counted and recorded in the public ledger."),
)
