"""Pages of the selection (the organiser's decisions, publishing them), the final report and its
printable view, and each taken-up idea's implementation (milestones, updates, residents' monitoring
reports and rating)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.access.functions import access_municipality
from veche.core.errors import DomainError
from veche.core.forms import checked, press, submit
from veche.core.http import signed_in
from veche.crowdprojects.access import access_idea, access_project, access_project_to_run, can_run
from veche.crowdprojects.models import Idea, IdeaStatus, Project, Verdict
from veche.crowdprojects.selection_forms import (
    DecisionForm,
    MilestoneForm,
    MilestoneUpdateForm,
    MonitoringForm,
    RatingForm,
)
from veche.crowdprojects.selection_selectors import (
    access_milestone,
    decisions_visible,
    ideas_to_decide,
    implementation_of,
    overdue_milestones,
    report_of,
    selection_of,
)
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services import implementation as impl
from veche.crowdprojects.services import selection as sel
from veche.crowdprojects.stages import timeline
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day


def _selection_url(project: Project) -> str:
    return reverse("crowdprojects:selection", args=[project.municipality.slug, project.pk])


def _selection_page(
    request: HttpRequest,
    municipality: Municipality,
    project: Project,
    *,
    bound: tuple[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    stages = stages_of(project)
    window = sel.selection_window(project, stages)
    rows = []
    for idea in ideas_to_decide(project):
        if bound is not None and bound[0] == idea.pk:
            form = bound[1]
        else:
            decision = getattr(idea, "decision", None)
            initial = (
                {
                    "decision": "yes" if decision.selected else "no",
                    "reason": idea.answer,
                    "department": decision.department_id,
                    "responsible": decision.responsible,
                    "planned_by": decision.planned_by,
                }
                if decision is not None
                else {}
            )
            form = DecisionForm(initial=initial, municipality=municipality, auto_id=f"idea{idea.pk}-%s")
        rows.append((idea, form))
    context = {
        "municipality": municipality,
        "project": project,
        "rows": rows,
        "undecided": sum(1 for idea, _form in rows if not hasattr(idea, "decision")),
        "window": window,
        "opened": window is not None and window.opens <= now,
        "selection": selection_of(project),
        "overdue": overdue_milestones(project, local_day(municipality, now)).count(),
    }
    return render(request, "crowdprojects/selection/staff.html", context, status=status)


@login_required
def selection_page(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """The organiser's selection: one form per idea, then publishing."""
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    return _selection_page(request, municipality, project)


@login_required
@require_POST
def selection_decide(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    idea = access_idea(request.user, idea_id, project=project)
    form = DecisionForm(request.POST, municipality=municipality, auto_id=f"idea{idea.pk}-%s")
    submitted = submit(
        request,
        form,
        lambda data: sel.idea_decide(actor=signed_in(request), idea=idea, **form.service_args()),
    )
    if submitted.ok:
        messages.success(request, _("The decision is saved."))
        return redirect(f"{_selection_url(project)}#idea-{idea.pk}")
    return _selection_page(request, municipality, project, bound=(idea.pk, form), status=submitted.status)


@login_required
@require_POST
def selection_publish(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    return press(
        request,
        lambda: sel.project_selection_publish(actor=signed_in(request), project=project),
        done=_("The selection is published. Followers, authors and supporters are notified."),
        back_to=_selection_url(project),
    )


def report(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """The final report: the question, the timeline, every idea with its figures and decision."""
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    printable = request.path.rstrip("/").endswith("/print") or request.GET.get("print") == "1"
    stages = stages_of(project)
    made = report_of(project, viewer=request.user, today=local_day(municipality))
    context = {
        "municipality": municipality,
        "project": project,
        "report": made,
        "steps": timeline(project, stages),
        "shown": decisions_visible(request.user, project, made.selection),
        "IdeaStatus": IdeaStatus,
        "today": local_day(municipality),
        "now": timezone.now(),
    }
    template = "crowdprojects/selection/print.html" if printable else "crowdprojects/selection/report.html"
    return render(request, template, context)


def _idea_taken_up(
    request: HttpRequest, slug: str, project_id: int, idea_id: int
) -> tuple[Municipality, Project, Idea]:
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    return municipality, project, access_idea(request.user, idea_id, project=project)


def _implementation_url(idea: Idea) -> str:
    return impl.implementation_url(idea)


def implementation(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    """A taken-up idea's implementation: milestones with progress and updates, residents' reports and
    the rating of the result; the forms each viewer may use."""
    municipality, project, idea = _idea_taken_up(request, slug, project_id, idea_id)
    now = timezone.now()
    state = implementation_of(idea, viewer=request.user, today=local_day(municipality, now))
    runs = can_run(request.user, project)
    monitoring_refusal: DomainError | None = None
    if request.user.is_authenticated:
        try:
            impl.may_monitor(signed_in(request), idea, now)
        except DomainError as refused:
            monitoring_refusal = refused
    context = {
        "municipality": municipality,
        "project": project,
        "idea": idea,
        "taken_up": idea.status == IdeaStatus.SELECTED,
        "state": state,
        "today": local_day(municipality, now),
        "can_run": runs,
        "milestone_form": MilestoneForm() if runs else None,
        "update_form": MilestoneUpdateForm() if runs else None,
        "monitoring_form": MonitoringForm(milestones=state.milestones),
        "rating_form": RatingForm(initial={"stars": state.your_stars}),
        "monitoring_refusal": monitoring_refusal,
        "Verdict": Verdict,
    }
    return render(request, "crowdprojects/selection/implementation.html", context)


def _run_idea(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> Idea:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    return access_idea(request.user, idea_id, project=project)


@login_required
@require_POST
def milestone_add(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    idea = _run_idea(request, slug, project_id, idea_id)
    form = MilestoneForm(request.POST)
    return press(
        request,
        lambda: impl.milestone_add(actor=signed_in(request), idea=idea, **checked(form)),
        done=_("The milestone is added. The project's followers are notified."),
        back_to=f"{_implementation_url(idea)}#milestones",
    )


@login_required
@require_POST
def milestone_update(
    request: HttpRequest, slug: str, project_id: int, idea_id: int, milestone_id: int
) -> HttpResponse:
    idea = _run_idea(request, slug, project_id, idea_id)
    milestone = access_milestone(milestone_id, idea=idea)
    form = MilestoneUpdateForm(request.POST, request.FILES)
    return press(
        request,
        lambda: impl.milestone_update(actor=signed_in(request), milestone=milestone, **checked(form)),
        done=_("The update is published."),
        back_to=f"{_implementation_url(idea)}#milestone-{milestone.pk}",
    )


@login_required
@require_POST
def milestone_complete(
    request: HttpRequest, slug: str, project_id: int, idea_id: int, milestone_id: int
) -> HttpResponse:
    idea = _run_idea(request, slug, project_id, idea_id)
    milestone = access_milestone(milestone_id, idea=idea)
    return press(
        request,
        lambda: impl.milestone_complete(actor=signed_in(request), milestone=milestone),
        done=_("The milestone is marked done. The project's followers are notified."),
        back_to=f"{_implementation_url(idea)}#milestone-{milestone.pk}",
    )


@login_required
@require_POST
def monitoring_file(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    _municipality, _project, idea = _idea_taken_up(request, slug, project_id, idea_id)
    form = MonitoringForm(request.POST, request.FILES, milestones=list(idea.milestones.all()))

    def file() -> Any:
        return impl.monitoring_report_file(actor=signed_in(request), idea=idea, **checked(form))

    return press(
        request,
        file,
        done=_("Thank you: your report is published."),
        back_to=f"{_implementation_url(idea)}#monitoring",
    )


@login_required
@require_POST
def result_rate(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    _municipality, _project, idea = _idea_taken_up(request, slug, project_id, idea_id)
    form = RatingForm(request.POST)
    return press(
        request,
        lambda: impl.result_rate(actor=signed_in(request), idea=idea, **checked(form)),
        done=_("Your rating is saved."),
        back_to=f"{_implementation_url(idea)}#rating",
    )
