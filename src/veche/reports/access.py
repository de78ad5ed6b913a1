"""Access to problem reports: who sees a report and who may act on it."""

from typing import Any

from veche.access.functions import is_author, parse_pk
from veche.access.roles import OFFICIAL, Person, has_permission, is_platform_admin, is_signed_in, roles_in
from veche.core.errors import NotFound
from veche.municipalities.models import Membership, Municipality
from veche.reports.models import PUBLIC, Report


def can_moderate_reports(user: Person, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "moderate")


def official_departments(user: Person, municipality: Municipality) -> set[int] | None:
    """Departments whose reports `user` handles: None means all (municipal or platform admin)."""
    if has_permission(user, municipality, "manage_municipality"):
        return None
    if not is_signed_in(user) or OFFICIAL not in roles_in(user, municipality):
        return set()
    cache: dict[int, set[int]] = user.__dict__.setdefault("_veche_departments", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = set(
            Membership.objects.filter(user=user, municipality=municipality, role=OFFICIAL).values_list(
                "department_id", flat=True
            )
        )
    return cache[municipality.pk]


def can_handle_report(user: Person, report: Report) -> bool:
    """An official of the report's department, or a municipal admin."""
    departments = official_departments(user, report.municipality)
    return departments is None or (report.department_id is not None and report.department_id in departments)


def can_see_report(user: Person, report: Report) -> bool:
    """Everyone sees a public report; one out of public view (waiting for moderation, rejected,
    hidden) is seen by its author, the municipality's moderators and admins, platform admins, and the
    officials of the department it is routed to - not by every official of the city."""
    if report.status in PUBLIC and not report.is_hidden:
        return True
    if is_author(user, report) or is_platform_admin(user):
        return True
    return can_moderate_reports(user, report.municipality) or can_handle_report(user, report)


def access_report(user: Person, municipality: Municipality, report_id: Any) -> Report:
    """The report if this person may see it; else NotFound."""
    pk = parse_pk(report_id)
    report = (
        Report.objects.select_related("municipality", "category", "district", "department", "author")
        .filter(pk=pk, municipality=municipality)
        .first()
    )
    if report is None or not can_see_report(user, report):
        raise NotFound()
    return report


def access_report_workspace(user: Person, municipality: Municipality) -> set[int] | None:
    """The departments whose queue `user` works (None: all); NotFound for people with no such role."""
    if can_moderate_reports(user, municipality):
        return None
    departments = official_departments(user, municipality)
    if not departments:
        raise NotFound()
    return departments
