"""Background work on opinion maps: recompute one deliberation's map after votes, and a tick that
recomputes the maps left out of date. Both idempotent: a map already current is left alone."""

from celery import shared_task

from veche.deliberation.models import Deliberation
from veche.deliberation.services import map_is_stale, map_recompute, maps_refresh


@shared_task
def deliberation_recompute(deliberation_id: int) -> bool:
    """Recompute the map of `deliberation_id` if votes came since it; False when nothing was to do."""
    deliberation = Deliberation.objects.filter(pk=deliberation_id).first()
    if deliberation is None or not map_is_stale(deliberation):
        return False
    map_recompute(deliberation=deliberation)
    return True


@shared_task
def deliberation_tick() -> int:
    return maps_refresh()
