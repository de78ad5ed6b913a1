"""Scheduled work on polls: tell residents of the polls that opened or closed by their times."""

from celery import shared_task

from veche.polls import services


@shared_task
def polls_tick() -> dict[str, int]:
    return services.polls_announce()
