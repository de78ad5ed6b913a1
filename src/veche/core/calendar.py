"""Working-day arithmetic for answer deadlines, independent of where the calendar is stored."""

from collections.abc import Callable, Collection
from datetime import date, timedelta

WEEKEND = frozenset({5, 6})  # Saturday, Sunday


def is_working_day(day: date, holidays: Collection[date], extra_working: Collection[date]) -> bool:
    """A weekday that is not a holiday, or a weekend day the calendar makes a working one."""
    if day in extra_working:
        return True
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: date, days: int, is_working: Callable[[date], bool]) -> date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, is_working: Callable[[date], bool]) -> int:
    """How many working days lie after `start` up to and including `end`."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working(current):
            count += 1
    return count
