"""Pages of participatory budgeting: processes, proposals, the ballot, results, and the staff pages."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.access.predicates import Decision, Feature, allows
from veche.access.roles import Tier, tier_of, verified_district
from veche.budgeting import phases
from veche.budgeting.access import (
    access_budget,
    access_budgets_setup,
    access_budgets_staff,
    access_process,
    access_proposal,
    can_run_budgets,
    can_see_results,
    can_set_up_budgets,
    results_public,
)
from veche.budgeting.forms import (
    BallotForm,
    BudgetForm,
    CountForm,
    PabulibImportForm,
    PaperBallotsForm,
    PhaseForm,
    ProcessForm,
    ProposalForm,
    ReviewForm,
    ScheduleForm,
)
from veche.budgeting.models import BallotKind, Budget, Process, ProcessPhase, ProposalStatus
from veche.budgeting.selectors import (
    ballot_of,
    ballot_options,
    ballots_by_budget,
    budget_results,
    district_refusal,
    latest_tally,
    processes_for,
    proposals_of,
    review_queue,
)
from veche.budgeting.services import proposals as proposal_services
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.common import FILE_MAX_BYTES
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.pabulib import budget_export_pb, process_import_pb
from veche.budgeting.services.paper import paper_ballots_import
from veche.budgeting.services.proposals import proposal_review, proposal_submit
from veche.budgeting.services.setup import (
    budget_save,
    process_create,
    process_move,
    process_schedule,
    process_update,
)
from veche.core.errors import DomainError, Forbidden
from veche.core.forms import apply_domain_error, checked, press, submit
from veche.core.http import download, signed_in
from veche.core.ratelimit import rate_limit_request
from veche.ledger.casting import BallotPage, cast_vote
from veche.ledger.services import Receipt

PAGE_SIZE = 20
# A count asked for from a page stops after this long (see `counting.budget_count`).
COUNT_SECONDS = float(getattr(settings, "BUDGET_COUNT_SECONDS", 30))


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render with the phase names at hand."""
    context.setdefault("ProcessPhase", ProcessPhase)
    context.setdefault("BallotKind", BallotKind)
    return render(request, template, context, status=status)


def _upload(upload: UploadedFile) -> tuple[bytes, str]:
    if upload.size is not None and upload.size > FILE_MAX_BYTES:
        raise DomainError(
            fields={"file": [_("The file is larger than %(n)d MB.") % {"n": FILE_MAX_BYTES // 2**20}]}
        )
    return upload.read(), upload.name or ""


# Public pages.


def process_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    staff = can_run_budgets(request.user, municipality)
    processes = processes_for(municipality=municipality, viewer=request.user, staff=staff)
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "municipality": municipality,
        "page": page,
        # Each process with the date to show first (see `phases.headline`).
        "rows": [
            (p, phases.headline(phases.timetable(p, municipality=municipality, now=now), now=now))
            for p in page
        ],
        "can_run": staff,
    }
    return _render(request, "budgeting/list.html", context)


def _steps(process: Process) -> list[tuple[str, str, str]]:
    """Each phase with whether it is past, current or to come."""
    current = phases.ORDER.index(process.phase)
    return [
        (
            value,
            str(ProcessPhase(value).label),
            "past" if i < current else "current" if i == current else "future",
        )
        for i, value in enumerate(phases.ORDER)
    ]


def process_detail(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budgets = list(process.budgets.select_related("district").order_by("id"))
    district = verified_district(user=request.user, municipality=municipality)
    context = {
        "municipality": municipality,
        "process": process,
        "steps": _steps(process),
        "timetable": phases.timetable(process, municipality=municipality, now=timezone.now()),
        "budgets": [(b, district_refusal(b, district)) for b in budgets],
        "my_ballots": ballots_by_budget(process=process, user=request.user),
        "can_submit": allows(request.user, municipality, Feature.SUBMIT, phases.step_of(process)),
        "can_vote": allows(request.user, municipality, Feature.VOTE, phases.step_of(process)),
        "results_visible": can_see_results(request.user, process),
        "can_run": can_run_budgets(request.user, municipality),
        "proposals_count": process.proposals.exclude(status=ProposalStatus.WITHDRAWN).count(),
    }
    return _render(request, "budgeting/process.html", context)


def proposal_list(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    proposals = proposals_of(process=process, status=status)
    context = {
        "municipality": municipality,
        "process": process,
        "status": status,
        "statuses": ProposalStatus.choices,
        "page": Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_submit": allows(request.user, municipality, Feature.SUBMIT, phases.step_of(process)),
    }
    return _render(request, "budgeting/proposals.html", context)


def proposal_detail(request: HttpRequest, slug: str, process_id: int, proposal_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    proposal = access_proposal(request.user, proposal_id, process=process)
    context = {
        "municipality": municipality,
        "process": process,
        "proposal": proposal,
        "is_author": request.user.is_authenticated and proposal.author_id == request.user.pk,
        "Status": ProposalStatus,
    }
    return _render(request, "budgeting/proposal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    decision = allows(request.user, municipality, Feature.SUBMIT, phases.step_of(process))
    form = ProposalForm(request.POST or None, process=process)
    submitted = submit(
        request,
        form,
        lambda data: proposal_submit(
            author=signed_in(request),
            process=process,
            budget=data["budget"],
            title=data["title"],
            description=data["description"],
            estimated_cost=data["estimated_cost"],
        ),
    )
    if submitted.ok:
        messages.success(request, _("Your proposal is submitted. Officials will review it."))
        proposal = submitted.result
        return redirect("budgeting:proposal", slug=slug, process_id=process.pk, proposal_id=proposal.pk)
    context = {
        "municipality": municipality,
        "process": process,
        "form": form,
        "decision": decision,
        "needs_verification": tier_of(request.user, municipality) < Tier(process.tier),
    }
    return _render(request, "budgeting/propose.html", context, status=submitted.status)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, slug: str, process_id: int, proposal_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    proposal = access_proposal(request.user, proposal_id, process=process)
    return press(
        request,
        lambda: proposal_services.proposal_withdraw(author=signed_in(request), proposal=proposal),
        done=_("Your proposal is withdrawn."),
        back_to=reverse("budgeting:proposal", args=[slug, process.pk, proposal.pk]),
    )


def _ballot_context(
    request: HttpRequest, budget: Budget, *, form: BallotForm | None = None, error: str = ""
) -> dict[str, Any]:
    process = budget.process
    municipality = process.municipality
    options = ballot_options(budget=budget)
    decision = allows(request.user, municipality, Feature.VOTE, phases.step_of(process))
    if decision and request.user.is_authenticated:
        reason = district_refusal(budget, verified_district(user=request.user, municipality=municipality))
        if reason:
            decision = Decision(False, reason)
    voting = phases.timetable(process, municipality=municipality, now=timezone.now())
    return {
        "municipality": municipality,
        "process": process,
        "budget": budget,
        "voting": next(w for w in voting if w.phase == ProcessPhase.VOTING),
        "options": options,
        "form": form or BallotForm(process=process, options=options),
        "ballot": ballot_of(budget=budget, user=request.user),
        "can_vote": decision,
        "needs_verification": request.user.is_authenticated
        and tier_of(request.user, municipality) < Tier(process.tier),
        "vote_error": error,
        "results_visible": can_see_results(request.user, process),
    }


def ballot(request: HttpRequest, slug: str, process_id: int, budget_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budget = access_budget(request.user, budget_id, process=process)
    return _render(request, "budgeting/ballot.html", _ballot_context(request, budget))


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, process_id: int, budget_id: int) -> HttpResponse:
    """Cast the ballot; the receipt (with its secret nonce) is shown once, on the answer."""
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budget = access_budget(request.user, budget_id, process=process)
    form = BallotForm(request.POST, process=process, options=ballot_options(budget=budget))
    return cast_vote(
        request,
        form,
        lambda: ballot_cast(user=signed_in(request), budget=budget, choices=form.choices()),
        BallotPage(
            template="budgeting/ballot.html",
            context=lambda form, error: _ballot_context(request, budget, form=form, error=error),
            shows_vote=reverse("budgeting:ballot", args=[slug, process.pk, budget.pk]),
            receipt_template="budgeting/receipt.html",
            receipt_context=lambda receipt: _receipt_context(request, budget, receipt),
            render=_render,
        ),
    )


def _receipt_context(request: HttpRequest, budget: Budget, receipt: Receipt) -> dict[str, Any]:
    return {
        "municipality": budget.process.municipality,
        "process": budget.process,
        "budget": budget,
        "receipt": receipt,
        "ballot": ballot_of(budget=budget, user=request.user),
    }


def results(request: HttpRequest, slug: str, process_id: int, budget_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budget = access_budget(request.user, budget_id, process=process)
    if not can_see_results(request.user, process):
        raise Forbidden(_("The results are published when counting is over."), code="results_not_public")
    context = {
        "municipality": municipality,
        "process": process,
        "budget": budget,
        "results": budget_results(budget=budget),
        "public": results_public(process),
    }
    return _render(request, "budgeting/results.html", context)


# Staff pages: officials and municipal admins run processes; admins set them up.


@login_required
def staff_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_budgets_staff(request.user, slug)
    processes = processes_for(municipality=municipality, viewer=request.user, staff=True)
    context = {
        "municipality": municipality,
        "page": Paginator(processes, 50).get_page(request.GET.get("page")),
        "can_set_up": can_set_up_budgets(request.user, municipality),
    }
    return _render(request, "budgeting/staff_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_budgets_setup(request.user, slug)
    form = ProcessForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: process_create(
            actor=signed_in(request),
            municipality=municipality,
            title=data["title"],
            description=data["description"],
            settings_=form.settings(),
            amount=data["amount"],
        ),
    )
    if submitted.ok:
        messages.success(request, _("The process is set up. Add district budgets, then open proposals."))
        return redirect("budgeting_staff:process", slug=slug, process_id=submitted.result.pk)
    context = {"municipality": municipality, "form": form}
    return _render(request, "budgeting/staff_create.html", context, submitted.status)


def _staff_context(request: HttpRequest, process: Process, **forms: Any) -> dict[str, Any]:
    municipality = process.municipality
    budgets = list(process.budgets.select_related("district").order_by("id"))
    rows = []
    for budget in budgets:
        rows.append(
            {
                "budget": budget,
                "ballots": budget.ballots.count(),
                "feasible": budget.proposals.filter(status=ProposalStatus.FEASIBLE).count(),
                "tally": latest_tally(budget=budget),
                "batches": list(budget.paper_batches.select_related("imported_by")[:5]),
            }
        )
    set_up = can_set_up_budgets(request.user, municipality)
    editable = process.phase in phases.SETTING_UP
    return {
        "municipality": municipality,
        "process": process,
        "steps": _steps(process),
        "rows": rows,
        "can_set_up": set_up,
        "editable": editable,
        "form": forms.get("form")
        or (
            ProcessForm(creating=False, initial=ProcessForm.initial_for(process))
            if set_up and editable
            else None
        ),
        "budget_form": forms.get("budget_form") or BudgetForm(municipality=municipality),
        "schedule_form": forms.get("schedule_form")
        or ScheduleForm(initial=ScheduleForm.initial_for(process)),
        "count_form": CountForm(
            initial={
                "rule": process.rule,
                "utilities": process.utilities,
                "tie_breaking": process.tie_breaking,
            }
        ),
        "next_phases": [(p, ProcessPhase(p).label) for p in phases.next_phases(process)],
        "waiting": process.proposals.filter(status=ProposalStatus.SUBMITTED).count(),
        "counting": process.phase in phases.COUNTING,
        "paper": process.phase in phases.PAPER_BALLOTS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_process(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    """The process for its staff: budgets, phases, counts, imports; admins edit its settings here."""
    municipality = access_budgets_staff(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    if request.method == "GET":
        return _render(request, "budgeting/staff_process.html", _staff_context(request, process))
    access_budgets_setup(request.user, slug)
    form = ProcessForm(request.POST, creating=False)
    submitted = submit(
        request,
        form,
        lambda data: process_update(
            actor=signed_in(request),
            process=process,
            title=data["title"],
            description=data["description"],
            settings_=form.settings(),
        ),
    )
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect("budgeting_staff:process", slug=slug, process_id=process.pk)
    context = _staff_context(request, process, form=form)
    return _render(request, "budgeting/staff_process.html", context, submitted.status)


@login_required
@require_POST
def staff_budget(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    municipality = access_budgets_setup(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    form = BudgetForm(request.POST, municipality=municipality)
    submitted = submit(
        request,
        form,
        lambda data: budget_save(
            actor=signed_in(request), process=process, district=data["district"], amount=data["amount"]
        ),
    )
    if submitted.ok:
        messages.success(request, _("The budget is saved."))
        return redirect("budgeting_staff:process", slug=slug, process_id=process.pk)
    context = _staff_context(request, process, budget_form=form)
    return _render(request, "budgeting/staff_process.html", context, submitted.status)


@login_required
@require_POST
def staff_schedule(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    """The timetable residents see; a municipal admin may change it in any phase."""
    municipality = access_budgets_setup(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    form = ScheduleForm(request.POST)
    submitted = submit(
        request, form, lambda data: process_schedule(actor=signed_in(request), process=process, dates=data)
    )
    if submitted.ok:
        messages.success(request, _("The dates are saved."))
        return redirect("budgeting_staff:process", slug=slug, process_id=process.pk)
    context = _staff_context(request, process, schedule_form=form)
    return _render(request, "budgeting/staff_process.html", context, submitted.status)


@login_required
@require_POST
def staff_phase(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    municipality = access_budgets_setup(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    form = PhaseForm(request.POST)

    def move() -> Process:
        to = checked(form, _("Choose the phase to move to."))["to"]
        return process_move(actor=signed_in(request), process=process, to=to)

    return press(
        request,
        move,
        done=lambda moved: (
            _("The process is now in the phase: %(phase)s.") % {"phase": ProcessPhase(moved.phase).label}
        ),
        back_to=reverse("budgeting_staff:process", args=[slug, process.pk]),
    )


@login_required
def staff_review(request: HttpRequest, slug: str, process_id: int) -> HttpResponse:
    """The officials' queue: every proposal of the process, the ones waiting first."""
    municipality = access_budgets_staff(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    page = Paginator(review_queue(process=process), 30).get_page(request.GET.get("page"))
    # One form per proposal: the same field names, ids made unique for the labels.
    rows = [(p, ReviewForm(initial=ReviewForm.initial_for(p), auto_id=f"review-{p.pk}-%s")) for p in page]
    context = {
        "municipality": municipality,
        "process": process,
        "page": page,
        "rows": rows,
        "open": process.phase in phases.REVIEWING,
        "Status": ProposalStatus,
    }
    return _render(request, "budgeting/review.html", context)


@login_required
@require_POST
def staff_review_decide(request: HttpRequest, slug: str, process_id: int, proposal_id: int) -> HttpResponse:
    municipality = access_budgets_staff(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    proposal = access_proposal(request.user, proposal_id, process=process)
    form = ReviewForm(request.POST)

    def review() -> object:
        data = checked(form)
        return proposal_review(
            reviewer=signed_in(request),
            proposal=proposal,
            feasible=data["decision"] == "feasible",
            cost=data.get("cost"),
            reasons=data.get("reasons") or "",
        )

    return press(
        request,
        review,
        done=_("Reviewed: %(title)s.") % {"title": proposal.title},
        back_to=reverse("budgeting_staff:review", args=[slug, process.pk]),
        about=proposal.title,
    )


@login_required
@require_POST
def staff_count(request: HttpRequest, slug: str, process_id: int, budget_id: int) -> HttpResponse:
    municipality = access_budgets_staff(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budget = access_budget(request.user, budget_id, process=process)
    form = CountForm(request.POST)

    def count() -> object:
        data = checked(form, _("Choose the rule, the utilities and the tie-breaking."))
        return budget_count(actor=signed_in(request), budget=budget, time_limit=COUNT_SECONDS, **data)

    return press(
        request,
        count,
        done=_("Counted. The results below are the newest count."),
        back_to=reverse("budgeting_staff:process", args=[slug, process.pk]),
        then=reverse("budgeting:results", args=[slug, process.pk, budget.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_paper(request: HttpRequest, slug: str, process_id: int, budget_id: int) -> HttpResponse:
    municipality = access_budgets_staff(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budget = access_budget(request.user, budget_id, process=process)
    form = PaperBallotsForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rate_limit_request("write", request)
                content, name = _upload(form.cleaned_data["file"])
                batch = paper_ballots_import(
                    actor=signed_in(request), budget=budget, content=content, filename=name
                )
            except DomainError as error:
                if error.status == 404:
                    raise
                apply_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, _("%(n)d paper ballots imported.") % {"n": batch.ballots})
                return redirect("budgeting_staff:process", slug=slug, process_id=process.pk)
    context = {
        "municipality": municipality,
        "process": process,
        "budget": budget,
        "form": form,
        "options": ballot_options(budget=budget),
        "open": process.phase in phases.PAPER_BALLOTS,
    }
    return _render(request, "budgeting/paper.html", context, status)


@login_required
@require_GET
def staff_export(request: HttpRequest, slug: str, process_id: int, budget_id: int) -> HttpResponse:
    municipality = access_budgets_staff(request.user, slug)
    process = access_process(request.user, process_id, municipality=municipality)
    budget = access_budget(request.user, budget_id, process=process)
    text = budget_export_pb(actor=signed_in(request), budget=budget)
    name = f"{municipality.slug}_{process.pk}_{budget.district.slug if budget.district else 'city'}.pb"
    return download(text, content_type="text/plain; charset=utf-8", filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest, slug: str) -> HttpResponse:
    """A pabulib file becomes a process in the counting phase, to count here."""
    municipality = access_budgets_setup(request.user, slug)
    form = PabulibImportForm(request.POST or None, request.FILES or None)

    def write(data: dict[str, Any]) -> Process:
        content, name = _upload(data["file"])
        return process_import_pb(
            actor=signed_in(request),
            municipality=municipality,
            content=content,
            filename=name,
            rule=data["rule"] or None,
            utilities=data["utilities"],
            tie_breaking=data["tie_breaking"],
        )

    submitted = submit(request, form, write)
    if submitted.ok:
        messages.success(request, _("Imported. Count it when you are ready."))
        return redirect("budgeting_staff:process", slug=slug, process_id=submitted.result.pk)
    context = {"municipality": municipality, "form": form}
    return _render(request, "budgeting/import.html", context, submitted.status)
