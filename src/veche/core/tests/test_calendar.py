"""Working-day arithmetic: weekends, holidays and transferred working Saturdays."""

from datetime import date
from functools import partial

import pytest

from veche.core.calendar import add_working_days, is_working_day, working_days_between
from veche.municipalities.models import CalendarDay
from veche.municipalities.selectors import municipality_add_working_days

FRIDAY = date(2025, 3, 7)  # the Friday before International Women's Day (Saturday 8 March)


def calendar(holidays=(), extra_working=()):
    return partial(is_working_day, holidays=set(holidays), extra_working=set(extra_working))


def test_plain_week_skips_the_weekend():
    assert add_working_days(FRIDAY, 1, calendar()) == date(2025, 3, 10)  # Monday
    assert add_working_days(FRIDAY, 5, calendar()) == date(2025, 3, 14)  # next Friday
    assert add_working_days(date(2025, 3, 10), 4, calendar()) == date(2025, 3, 14)  # Mon + 4 = Fri


def test_zero_days_is_the_start_and_negative_days_are_refused():
    assert add_working_days(FRIDAY, 0, calendar()) == FRIDAY
    with pytest.raises(ValueError):
        add_working_days(FRIDAY, -1, calendar())


def test_holidays_are_skipped():
    # New Year: 1–8 January 2025 are holidays; from Tuesday 31 December one working day is 9 January.
    new_year = [date(2025, 1, d) for d in range(1, 9)]
    assert add_working_days(date(2024, 12, 31), 1, calendar(new_year)) == date(2025, 1, 9)
    assert add_working_days(date(2024, 12, 31), 1, calendar()) == date(2025, 1, 1)


def test_a_transferred_working_saturday_counts():
    saturday = date(2025, 11, 1)  # made a working day in 2025
    is_working = calendar(extra_working=[saturday])
    assert add_working_days(date(2025, 10, 31), 1, is_working) == saturday
    assert add_working_days(date(2025, 10, 31), 1, calendar()) == date(2025, 11, 3)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(FRIDAY, date(2025, 3, 14), calendar()) == 5
    assert working_days_between(FRIDAY, date(2025, 3, 14), calendar([date(2025, 3, 10)])) == 4
    assert working_days_between(FRIDAY, FRIDAY, calendar()) == 0


@pytest.mark.django_db
def test_municipality_deadline_reads_its_own_calendar(municipality, other_municipality):
    # Monday 10 March is a holiday in this municipality only, Saturday 15 March a working day.
    CalendarDay.objects.create(municipality=municipality, date=date(2025, 3, 10), name="Перенос")
    CalendarDay.objects.create(municipality=municipality, date=date(2025, 3, 15), is_working=True)
    CalendarDay.objects.create(municipality=other_municipality, date=date(2025, 3, 11), name="Другой")

    # Tue 11, Wed 12, Thu 13, Fri 14, Sat 15 (working) = 5 working days.
    assert municipality_add_working_days(municipality=municipality, start=FRIDAY, days=5) == date(2025, 3, 15)
    # The other municipality: Mon 10, Wed 12, Thu 13, Fri 14, Mon 17.
    assert municipality_add_working_days(municipality=other_municipality, start=FRIDAY, days=5) == date(
        2025, 3, 17
    )


@pytest.mark.django_db
def test_calendar_rows_before_the_start_do_not_matter(municipality):
    CalendarDay.objects.create(municipality=municipality, date=date(2025, 3, 1), is_working=True)
    CalendarDay.objects.create(municipality=municipality, date=date(2025, 3, 6))
    assert municipality_add_working_days(municipality=municipality, start=FRIDAY, days=1) == date(2025, 3, 10)
