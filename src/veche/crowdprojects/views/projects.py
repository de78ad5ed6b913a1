"""Pages of crowd projects: the list, a project with its timeline and the sections of its parts."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from veche.access.functions import access_municipality
from veche.crowdprojects.access import access_project, can_run, can_set_up_projects
from veche.crowdprojects.models import Project, ProjectStatus, status_q
from veche.crowdprojects.sections import Page, sections_for
from veche.crowdprojects.selectors import LISTED, projects_for, stages_of
from veche.crowdprojects.stages import KINDS, phase_of, stage_at, timeline

PAGE_SIZE = 20


def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    now = timezone.now()
    status = request.GET.get("status", ProjectStatus.RUNNING)
    if status not in LISTED:
        status = ProjectStatus.RUNNING
    projects = projects_for(municipality=municipality, viewer=request.user, status=status, now=now)
    published = Project.objects.filter(municipality=municipality)
    context = {
        "municipality": municipality,
        "status": status,
        "tabs": [(s, ProjectStatus(s).label, published.filter(status_q(s, now)).count()) for s in LISTED],
        "page": Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")),
        "now": now,
        "can_set_up": can_set_up_projects(request.user, municipality),
    }
    return render(request, "crowdprojects/list.html", context)


def project_detail(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    now = timezone.now()
    stages = stages_of(project)
    current = stage_at(stages, now)
    context = {
        "municipality": municipality,
        "project": project,
        "status": project.status_at(now),
        "ProjectStatus": ProjectStatus,
        "steps": timeline(project, stages, now=now),
        "current": current,
        "current_kind": KINDS[current.kind] if current is not None else None,
        "phase": phase_of(project, current),
        "districts": list(project.districts.order_by("name")),
        "can_run": can_run(request.user, project),
        "can_set_up": can_set_up_projects(request.user, municipality),
        "sections": sections_for(Page(request=request, project=project, stages=stages, current=current)),
    }
    return render(request, "crowdprojects/detail.html", context)
