"""Scheduled work on initiatives: archive expired ones, open votes, publish the results of closed ones."""

from celery import shared_task

from veche.initiatives import services


@shared_task
def initiatives_tick() -> dict[str, int]:
    return services.initiatives_tick()
