"""Times staff type for what is to come (a poll's close, a budget's timetable): aware, and in years a
city plans for, so that a slip such as year 1 or 9999 is refused with a message instead of being
stored where the database, or a time-zone shift, cannot hold it."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core.errors import DomainError

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=366 * 20)


def check_moment(value: datetime, *, field: str, now: datetime | None = None) -> None:
    """Refuse (with a message on `field`) a naive time, or one before 2000 or over 20 years ahead."""
    if timezone.is_naive(value):
        raise DomainError(fields={field: [_("Give the time with its time zone.")]})
    latest = (now or timezone.now()) + AHEAD
    if not EARLIEST <= value <= latest:
        raise DomainError(fields={field: [_("Give a date from 2000 to %(year)d.") % {"year": latest.year}]})
