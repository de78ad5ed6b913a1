"""Reads of the deliberations' staff pages: who reaches the workspace, the deliberations one runs or
moderates, the statements of one by status."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from veche.access.functions import access_municipality
from veche.access.roles import OFFICIAL, Person, has_permission, is_signed_in
from veche.core.errors import NotFound
from veche.crowdprojects.access import can_set_up_projects
from veche.deliberation.models import Deliberation, Statement, StatementStatus
from veche.municipalities.models import Membership, Municipality


def access_deliberations_staff(user: Person, slug: str) -> Municipality:
    """The municipality for those who run deliberations ("run_projects") or moderate statements
    ("moderate"); NotFound for everyone else."""
    municipality = access_municipality(user, slug)
    if not (
        has_permission(user, municipality, "run_projects") or has_permission(user, municipality, "moderate")
    ):
        raise NotFound()
    return municipality


def deliberations_for_staff(*, municipality: Municipality, viewer: Person) -> QuerySet[Deliberation]:
    """The deliberations `viewer` runs (`access.can_run_deliberation` as a query) or, as a moderator,
    moderates (every published one), drafts first, then the newest; with the count of statements by
    status in one query."""
    deliberations = Deliberation.objects.filter(municipality=municipality)
    if not can_set_up_projects(viewer, municipality):
        if not is_signed_in(viewer):
            return deliberations.none()
        runs = Q(pk__in=[])
        if has_permission(viewer, municipality, "run_projects"):
            departments = Membership.objects.filter(
                user=viewer, municipality=municipality, role=OFFICIAL, department__isnull=False
            ).values("department_id")
            runs = Q(project__isnull=True, department_id__in=departments) | Q(
                project__department_id__in=departments
            )
        if has_permission(viewer, municipality, "moderate"):
            runs |= Q(published_at__isnull=False)
        deliberations = deliberations.filter(runs)
    return (
        deliberations.select_related("municipality", "department", "project")
        .annotate(**_status_counts("statements__"))
        .order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
    )


def runs_which(*, municipality: Municipality, viewer: Person) -> Callable[[Deliberation], bool]:
    """`access.can_run_deliberation` for the rows of `deliberations_for_staff`, with one query in all:
    those who set projects up run every one; an official ("run_projects") those of their departments
    (a standalone one's organiser, a project's department)."""
    if can_set_up_projects(viewer, municipality):
        return lambda _deliberation: True
    if not is_signed_in(viewer) or not has_permission(viewer, municipality, "run_projects"):
        return lambda _deliberation: False
    departments = set(
        Membership.objects.filter(
            user=viewer, municipality=municipality, role=OFFICIAL, department__isnull=False
        ).values_list("department_id", flat=True)
    )

    def runs(deliberation: Deliberation) -> bool:
        project = deliberation.project
        organiser = deliberation.department_id if project is None else project.department_id
        return organiser in departments

    return runs


def _status_counts(prefix: str = "") -> dict[str, Any]:
    return {
        f"n_{status}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}status": status}))
        for status in StatementStatus.values
    }


def statement_counts(deliberation: Deliberation) -> dict[str, int]:
    """{"pending": n, "accepted": n, "rejected": n} in one query."""
    counts = Statement.objects.filter(deliberation=deliberation).aggregate(**_status_counts())
    return {status: int(counts[f"n_{status}"]) for status in StatementStatus.values}


def statements_by_status(deliberation: Deliberation, status: str) -> QuerySet[Statement]:
    """The statements of `deliberation` in `status`: pending the oldest first (the order they came
    in), the decided ones by number."""
    statements = Statement.objects.filter(deliberation=deliberation, status=status).select_related(
        "author", "moderated_by"
    )
    if status == StatementStatus.PENDING:
        return statements.order_by("created_at", "number")
    return statements.order_by("number")
