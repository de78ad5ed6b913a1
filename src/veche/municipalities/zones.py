"""A municipality's own clock: its time zone, and the day it is there, which deadlines are counted in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from veche.municipalities.models import Municipality


def zone_of(municipality: Municipality) -> ZoneInfo:
    """The municipality's time zone; the server's when its own name is not a zone this system knows.

    The field is free text, so a typo must not break every page and deadline of the municipality.
    """
    try:
        return ZoneInfo(municipality.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_day(municipality: Municipality, moment: datetime | None = None) -> date:
    """The date in the municipality at `moment` (now): a deadline passes at its midnight, not the server's."""
    return timezone.localdate(moment or timezone.now(), zone_of(municipality))
