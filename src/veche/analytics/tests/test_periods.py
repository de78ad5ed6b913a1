"""Periods: whole months named YYYY, YYYY-MM or YYYY-MM..YYYY-MM; anything else is a field message."""

from datetime import date

import pytest

from veche.analytics.periods import Period, add_months, month_of, parse_period
from veche.core.errors import DomainError

TODAY = date(2026, 3, 17)


def test_empty_is_the_last_twelve_months_with_this_one() -> None:
    period = parse_period("", today=TODAY)
    assert period == Period(date(2025, 4, 1), date(2026, 4, 1))
    assert len(period.months) == 12 and period.months[-1] == date(2026, 3, 1)
    assert parse_period(None, today=TODAY) == period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2025", date(2025, 1, 1), date(2026, 1, 1), "2025-01..2025-12"),
        ("2025-03", date(2025, 3, 1), date(2025, 4, 1), "2025-03"),
        (" 2025-12 ", date(2025, 12, 1), date(2026, 1, 1), "2025-12"),
        ("2025-11..2026-02", date(2025, 11, 1), date(2026, 3, 1), "2025-11..2026-02"),
        ("2025-05..2025-05", date(2025, 5, 1), date(2025, 6, 1), "2025-05"),
    ],
)
def test_forms(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text, today=TODAY)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert parse_period(period.label, today=TODAY) == period


@pytest.mark.parametrize(
    "text",
    [
        "2025-13",
        "1999",
        "2025-00",
        "2025-06..2025-01",
        "2000-01..2012-01",
        "last year",
        "2025-1",
        "x" * 10_000,
    ],
)
def test_anything_else_is_a_field_message(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_period(text, today=TODAY)
    assert caught.value.fields["period"]


def test_months() -> None:
    assert month_of(date(2026, 2, 28)) == date(2026, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)
