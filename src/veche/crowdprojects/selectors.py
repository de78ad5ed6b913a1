"""Reads of crowd projects that pages and the API share."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from veche.access.roles import Person
from veche.crowdprojects.access import can_set_up_projects
from veche.crowdprojects.models import Project, ProjectStatus, Stage, status_q
from veche.municipalities.models import Municipality

# The tabs of the project list, in order.
LISTED = (ProjectStatus.RUNNING, ProjectStatus.UPCOMING, ProjectStatus.FINISHED)


def projects_for(
    *, municipality: Municipality, viewer: Person, status: str | None, now: datetime
) -> QuerySet[Project]:
    """The municipality's projects in `status` (all published ones when None; drafts only for those who
    set projects up), with their stages: two queries however many."""
    projects = Project.objects.filter(municipality=municipality).select_related("municipality", "department")
    if status == ProjectStatus.DRAFT and not can_set_up_projects(viewer, municipality):
        return projects.none()
    projects = (
        projects.filter(status_q(status, now)) if status else projects.filter(published_at__isnull=False)
    )
    return projects.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("position")))


def stages_of(project: Project) -> list[Stage]:
    return list(Stage.objects.filter(project=project).order_by("position"))
