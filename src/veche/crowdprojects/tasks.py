"""Scheduled work on crowd projects: tell followers of each project that a stage has begun."""

from celery import shared_task

from veche.crowdprojects.services import projects


@shared_task
def projects_tick() -> dict[str, int]:
    return projects.projects_announce()
