"""Scheduled analytics work: add what is new to the roll-ups (beat: "analytics-rollup")."""

from datetime import timedelta

from celery import shared_task

from veche.analytics import services

# Rows younger than this wait for the next run (see services.rollup_run).
SETTLE = timedelta(minutes=1)


@shared_task
def rollup() -> int:
    """Idempotent: a run reads only past the watermarks; a repeated or overlapping one adds nothing twice."""
    return services.rollup_run(settle=SETTLE).total
