"""Scheduled work on reports: escalate overdue ones, close answers nobody confirmed in time, move the
map's overdue day."""

from celery import shared_task

from veche.reports import services


@shared_task
def escalate_overdue_reports() -> int:
    return services.reports_escalate_overdue()


@shared_task
def close_unconfirmed_reports() -> int:
    return services.reports_close_unconfirmed()


@shared_task
def advance_map_overdue_day() -> int:
    return services.reports_map_advance()
