"""A municipality's own clock: its time zone, and the day it is there, which deadlines are counted in."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def time_left(closes_at: datetime, *, municipality: Municipality, now: datetime) -> str:
    """How long is left until `closes_at`, in whole days of the municipality's calendar: "5 days
    left", "Last day", "Ends today at 18:00"; "" once it has passed.

    A phase closing at midnight ends on the day before: its last day is the one that ends there.
    """
    if closes_at <= now:
        return ""
    zone = zone_of(municipality)
    closes = timezone.localtime(closes_at, zone)
    last_day = timezone.localtime(closes_at - timedelta(microseconds=1), zone).date()
    days = (last_day - timezone.localtime(now, zone).date()).days
    if days >= 1:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    if closes.time() == datetime.min.time():
        return _("Last day")
    return _("Ends today at %(time)s") % {"time": formats.time_format(closes, "H:i")}
