"""Reads of crowd projects that pages and the API share."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from veche.access.predicates import Phase
from veche.access.roles import OFFICIAL, Person, is_signed_in
from veche.crowdprojects.access import can_set_up_projects
from veche.crowdprojects.models import Project, ProjectStatus, Stage, status_q
from veche.crowdprojects.stages import phase_of, stage_at
from veche.municipalities.models import Membership, Municipality
from veche.notifications.models import Follow

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


def projects_run_by(*, municipality: Municipality, viewer: Person) -> QuerySet[Project]:
    """The projects `viewer` runs (`access.can_run` as a query), drafts first, then the newest: all of
    the municipality's for those who set projects up, their department's for its officials."""
    projects = Project.objects.filter(municipality=municipality)
    if not can_set_up_projects(viewer, municipality):
        if not is_signed_in(viewer):
            return projects.none()
        departments = Membership.objects.filter(
            user=viewer, municipality=municipality, role=OFFICIAL, department__isnull=False
        ).values("department_id")
        projects = projects.filter(department_id__in=departments)
    return (
        projects.select_related("municipality", "department")
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("position")))
        .order_by(F("published_at").desc(nulls_first=True), "-starts_at", "-id")
    )


def follows(viewer: Person, project: Project) -> bool:
    """Whether `viewer` follows `project` (and so hears of its stages)."""
    if not is_signed_in(viewer):
        return False
    return Follow.objects.filter(
        user=viewer, content_type=ContentType.objects.get_for_model(Project), object_id=project.pk
    ).exists()


def current_phase(project: Project, now: datetime | None = None) -> Phase:
    """What `project` opens to residents at `now`: the phase of the stage running then (nothing but
    flagging between stages), with the project's tier. The one reading of "the current stage's rules"
    that every part asks (`stages.phase_of` over `stages.stage_at`)."""
    return phase_of(project, stage_at(stages_of(project), now or timezone.now()))
