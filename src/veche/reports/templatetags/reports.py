"""Template helpers of reports: whether a report is overdue on the municipality's day; its duplicates."""

from datetime import date

from django import template

from veche.reports.models import Report

register = template.Library()


@register.filter
def overdue_on(report: Report, today: date) -> bool:
    """`report.is_overdue(today)`, for lists that show many reports against one day."""
    return report.is_overdue(today)


@register.filter
def duplicates_of(report: Report, found: dict[int, list[tuple[Report, float]]]) -> list[tuple[Report, float]]:
    """The open reports near `report` that the workspace found for its page (`selectors.duplicates_of`)."""
    return found.get(report.pk, [])
