"""Pages of crowd projects: the list, a project with its timeline and the sections of its parts."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from veche.access.functions import access_municipality
from veche.access.roles import Tier, is_signed_in, tier_of
from veche.core.forms import press
from veche.core.http import signed_in
from veche.crowdprojects.access import access_project, can_run, can_set_up_projects
from veche.crowdprojects.models import Project, ProjectStatus, ProjectTier, Stage, status_q
from veche.crowdprojects.sections import Page, sections_for
from veche.crowdprojects.selectors import LISTED, follows, projects_for, stages_of
from veche.crowdprojects.stages import KINDS, phase_of, stage_at, timeline
from veche.municipalities.zones import time_left
from veche.notifications.services import follow, unfollow

PAGE_SIZE = 20


# The list's tabs name groups of projects ("running" projects); a status names one project's state.
TABS = {
    ProjectStatus.RUNNING: pgettext_lazy("projects tab", "running"),
    ProjectStatus.UPCOMING: pgettext_lazy("projects tab", "upcoming"),
    ProjectStatus.FINISHED: pgettext_lazy("projects tab", "finished"),
}


def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    now = timezone.now()
    status = request.GET.get("status", ProjectStatus.RUNNING)
    if status not in LISTED:
        status = ProjectStatus.RUNNING
    projects = projects_for(municipality=municipality, viewer=request.user, status=status, now=now)
    published = Project.objects.filter(municipality=municipality)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "municipality": municipality,
        "status": status,
        "tabs": [(s, TABS[s], published.filter(status_q(s, now)).count()) for s in LISTED],
        "page": page,
        "rows": [_card(project, now) for project in page],
        "now": now,
        "can_set_up": can_set_up_projects(request.user, municipality),
    }
    return render(request, "crowdprojects/list.html", context)


def _card(project: Project, now: datetime) -> tuple[Project, Stage | None, str]:
    """A project on the list with the stage running now and the time left in it."""
    current = stage_at(list(project.stages.all()), now)
    left = time_left(current.ends_at, municipality=project.municipality, now=now) if current else ""
    return project, current, left


def project_detail(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    now = timezone.now()
    stages = stages_of(project)
    current = stage_at(stages, now)
    steps = timeline(project, stages, now=now)
    context = {
        "municipality": municipality,
        "project": project,
        "status": project.status_at(now),
        "ProjectStatus": ProjectStatus,
        "steps": steps,
        "current": current,
        "current_left": next((step.left for step in steps if step.current), ""),
        "next_stage": next((stage for stage in stages if stage.starts_at > now), None),
        "needs_verification": is_signed_in(request.user)
        and project.tier == ProjectTier.VERIFIED
        and tier_of(request.user, municipality) < Tier.VERIFIED,
        "following": follows(request.user, project),
        "current_kind": KINDS[current.kind] if current is not None else None,
        "phase": phase_of(project, current),
        "districts": list(project.districts.order_by("name")),
        "can_run": can_run(request.user, project),
        "can_set_up": can_set_up_projects(request.user, municipality),
        "sections": sections_for(Page(request=request, project=project, stages=stages, current=current)),
    }
    return render(request, "crowdprojects/detail.html", context)


@login_required
@require_POST
def follow_toggle(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """Follow a project (told when each stage begins and when its timeline changes), or stop."""
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    stop = request.POST.get("follow") == "0"
    return press(
        request,
        lambda: (unfollow if stop else follow)(user=signed_in(request), target=project),
        done=_("You no longer follow this project.")
        if stop
        else _("You will be told when each stage of the project begins."),
        back_to=project.get_absolute_url(),
    )
