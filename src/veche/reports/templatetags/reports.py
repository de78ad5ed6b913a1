"""Template helpers of reports: whether a report is overdue on the municipality's day."""

from datetime import date

from django import template

from veche.reports.models import Report

register = template.Library()


@register.filter
def overdue_on(report: Report, today: date) -> bool:
    """`report.is_overdue(today)`, for lists that show many reports against one day."""
    return report.is_overdue(today)
