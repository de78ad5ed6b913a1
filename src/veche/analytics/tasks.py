"""Scheduled analytics work: add what is new to the roll-ups (beat: "analytics-rollup")."""

from celery import shared_task

from veche.analytics import services


@shared_task
def rollup() -> int:
    """Idempotent: a run reads only past the watermarks; a repeated or overlapping one adds nothing twice."""
    return services.rollup_run().total
