"""Periods of whole months, as the analytics pages, API and command name them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from veche.core.errors import DomainError

MAX_MONTHS = 120


def month_of(day: date) -> date:
    """The first day of `day`'s month: the key of a month in the roll-ups."""
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from `start` (a first day, included) to `end` (a first day, excluded)."""

    start: date
    end: date

    @property
    def months(self) -> list[date]:
        out, month = [], self.start
        while month < self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def label(self) -> str:
        """Unlocalised, as --period and ?period= take it back."""
        last = add_months(self.end, -1)
        if last == self.start:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m}..{last:%Y-%m}"


_MONTH = r"(\d{4})-(\d{2})"
_FORMS = "YYYY, YYYY-MM or YYYY-MM..YYYY-MM"


def _month(year: str, month: str) -> date:
    y, m = int(year), int(month)
    if not (1 <= m <= 12 and 2000 <= y <= 2100):
        raise DomainError(
            _("No such month: %(month)s.") % {"month": f"{year}-{month}"},
            fields={"period": [_("No such month.")]},
        )
    return date(y, m, 1)


def parse_period(text: str | None, *, today: date) -> Period:
    """`2025` (a year), `2025-03` (a month) or `2025-01..2025-06` (months, both included); empty
    means the twelve months up to and including `today`'s. DomainError with a "period" field
    message otherwise."""
    text = (text or "").strip()
    if not text:
        end = add_months(month_of(today), 1)
        return Period(add_months(end, -12), end)
    if m := re.fullmatch(r"(\d{4})", text):
        start = _month(m.group(1), "01")
        return Period(start, add_months(start, 12))
    if m := re.fullmatch(_MONTH, text):
        start = _month(m.group(1), m.group(2))
        return Period(start, add_months(start, 1))
    if m := re.fullmatch(rf"{_MONTH}\.\.{_MONTH}", text):
        start = _month(m.group(1), m.group(2))
        last = _month(m.group(3), m.group(4))
        if last < start:
            raise DomainError(
                _("The period ends before it starts."),
                fields={"period": [_("The period ends before it starts.")]},
            )
        period = Period(start, add_months(last, 1))
        if len(period.months) > MAX_MONTHS:
            raise DomainError(
                _("A period is at most %(n)d months.") % {"n": MAX_MONTHS},
                fields={"period": [_("A period is at most %(n)d months.") % {"n": MAX_MONTHS}]},
            )
        return period
    message = _("A period is written %(forms)s.") % {"forms": _FORMS}
    raise DomainError(message, fields={"period": [message]})


def offered_values(today: date) -> list[str]:
    """The periods the pages offer as links, as ?period= names them: the last twelve months (""),
    this year and the two before. The roll-up keeps the figures that are costly to sum (repeat
    participants) for these."""
    return ["", *(str(year) for year in (today.year, today.year - 1, today.year - 2))]


def offered_periods(today: date) -> list[Period]:
    """The distinct periods of `offered_values` (in December the last twelve months are the year)."""
    out: list[Period] = []
    for value in offered_values(today):
        period = parse_period(value, today=today)
        if period not in out:
            out.append(period)
    return out
