"""The staff pages of crowd projects under /m/<slug>/staff/projects/: the projects one runs, a new
project, its settings, its timeline stage by stage, publishing it."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.core.errors import DomainError
from veche.core.forms import apply_domain_error, form_page, press
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import (
    access_project_to_run,
    access_project_to_set_up,
    access_projects_setup,
    access_projects_staff,
    can_set_up_projects,
)
from veche.crowdprojects.models import Project, ProjectStatus, Stage
from veche.crowdprojects.project_forms import NewProjectForm, ProjectForm, StageForm, StageFormSet
from veche.crowdprojects.selectors import projects_run_by, stages_of
from veche.crowdprojects.services import projects as services
from veche.crowdprojects.stages import PlannedStage, stage_at, timeline

PAGE_SIZE = 50


def _manage_url(project: Project) -> str:
    return reverse("crowdprojects_staff:project", args=[project.municipality.slug, project.pk])


@login_required
def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_projects_staff(request.user, slug)
    now = timezone.now()
    page = Paginator(projects_run_by(municipality=municipality, viewer=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(project, project.status_at(now), stage_at(list(project.stages.all()), now)) for project in page]
    context = {
        "municipality": municipality,
        "page": page,
        "rows": rows,
        "ProjectStatus": ProjectStatus,
        "can_set_up": can_set_up_projects(request.user, municipality),
    }
    return render(request, "crowdprojects/staff/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_projects_setup(request.user, slug)
    form = NewProjectForm(request.POST or None, municipality=municipality)
    return form_page(
        request,
        form,
        lambda data: services.project_create(
            actor=signed_in(request),
            municipality=municipality,
            template=data["template"],
            starts_at=data["starts_at"],
            **ProjectForm.settings(data),
        ),
        done=_("The draft is saved. Check its timeline, then publish it."),
        then=lambda project: reverse("crowdprojects_staff:stages", args=[slug, project.pk]),
        template="crowdprojects/staff/edit.html",
        context=lambda: {"municipality": municipality, "project": None},
    )


@login_required
def project_manage(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """A project as those who run it see it: where it stands, and the ways to its staff pages."""
    municipality = access_projects_staff(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    now = timezone.now()
    stages = stages_of(project)
    context = {
        "municipality": municipality,
        "project": project,
        "status": project.status_at(now),
        "ProjectStatus": ProjectStatus,
        "steps": timeline(project, stages, now=now),
        "districts": list(project.districts.order_by("name")),
        "can_set_up": can_set_up_projects(request.user, municipality),
    }
    return render(request, "crowdprojects/staff/project.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_projects_setup(request.user, slug)
    project = access_project_to_set_up(request.user, project_id, municipality=municipality)
    form = ProjectForm(
        request.POST or None, municipality=municipality, initial=ProjectForm.initial_for(project)
    )
    return form_page(
        request,
        form,
        lambda data: services.project_update(
            actor=signed_in(request), project=project, **ProjectForm.settings(data)
        ),
        done=_("Saved."),
        then=_manage_url,
        template="crowdprojects/staff/edit.html",
        context=lambda: {"municipality": municipality, "project": project},
    )


def _kept(new: datetime, old: datetime | None) -> datetime:
    """The stored moment when the form gave it back to the minute (the form shows no seconds), so that
    a stage that has started keeps its start exactly."""
    if old is not None and new == old.replace(second=0, microsecond=0):
        return old
    return new


def _rows(formset: Any, stages: list[Stage]) -> list[tuple[StageForm, PlannedStage]]:
    """The rows to keep, each with its stage as planned, in the order of their starts."""
    rows = []
    for index, form in enumerate(formset.forms):
        if not form.has_changed() and index >= len(stages):
            continue  # a blank row left blank
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        old = stages[index] if index < len(stages) else None
        planned = PlannedStage(
            kind=data["kind"],
            starts_at=_kept(data["starts_at"], old.starts_at if old else None),
            ends_at=_kept(data["ends_at"], old.ends_at if old else None),
            title=data["title"],
            description=data["description"],
        )
        rows.append((form, planned))
    return sorted(rows, key=lambda row: row[1].starts_at)


@login_required
@require_http_methods(["GET", "POST"])
def project_stages(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """The timeline as rows: edit each, fill a blank row to add a stage, tick "remove" to drop one."""
    municipality = access_projects_setup(request.user, slug)
    project = access_project_to_set_up(request.user, project_id, municipality=municipality)
    stages = stages_of(project)
    formset = StageFormSet(
        request.POST or None, prefix="stages", initial=[StageForm.initial_for(s) for s in stages]
    )
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            rows = _rows(formset, stages)
            try:
                rate_limit_request("write", request)
                services.project_set_stages(
                    actor=signed_in(request), project=project, stages=[planned for _form, planned in rows]
                )
            except DomainError as error:
                _place(error, formset, [form for form, _planned in rows])
                status = error.status
            else:
                messages.success(request, _("The timeline is saved."))
                return redirect(_manage_url(project))
    context = {"municipality": municipality, "project": project, "formset": formset}
    return render(request, "crowdprojects/staff/stages.html", context, status=status)


def _place(error: DomainError, formset: Any, forms: list[StageForm]) -> None:
    """A refusal of one stage on its row and field; any other on top of the timeline."""
    number, field = getattr(error, "number", None), getattr(error, "field", None)
    if isinstance(number, int) and 1 <= number <= len(forms):
        apply_domain_error(forms[number - 1], DomainError(fields={str(field): [error.summary]}))
    else:
        formset.non_form_errors().append(error.summary)


@login_required
@require_POST
def project_publish(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_projects_setup(request.user, slug)
    project = access_project_to_set_up(request.user, project_id, municipality=municipality)
    return press(
        request,
        lambda: services.project_publish(actor=signed_in(request), project=project),
        done=_("The project is published: residents see it and take part as its stages open."),
        back_to=_manage_url(project),
    )
