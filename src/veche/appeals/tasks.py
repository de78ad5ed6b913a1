"""Scheduled work on appeals: escalate those whose answer is past its day."""

from celery import shared_task

from veche.appeals import services


@shared_task
def escalate_overdue_appeals() -> int:
    return services.appeals_escalate_overdue()
