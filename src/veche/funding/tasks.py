"""Scheduled work on co-financing: settle the campaigns whose deadline has passed."""

from celery import shared_task

from veche.funding import services


@shared_task
def campaigns_settle() -> dict[str, int]:
    return services.campaigns_settle()
