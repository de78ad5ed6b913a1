"""What the roll-up keeps at the end of a run: the active people of each month as a fact, and the
repeat participants of the periods the pages offer."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from veche.accounts.models import User
from veche.analytics import selectors
from veche.analytics.models import MonthlyFact, MonthlyParticipant, PeriodFigure
from veche.analytics.periods import Period, add_months, month_of, offered_periods, parse_period
from veche.analytics.services import rollup_check, rollup_run
from veche.comments.services import comment_create
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day

pytestmark = pytest.mark.django_db


def comment(municipality: Municipality, user: User, body: str = "Окна") -> None:
    comment_create(author=user, municipality=municipality, target=municipality, body=body)


def active_facts() -> dict[tuple[int, date], int]:
    rows = MonthlyFact.objects.filter(metric="active_people", key="", bucket=0)
    return {(m, month): value for m, month, value in rows.values_list("municipality_id", "month", "value")}


def people_rows() -> dict[tuple[int, date], int]:
    rows = (
        MonthlyParticipant.objects.order_by().values_list("municipality_id", "month").annotate(n=Count("id"))
    )
    return {(m, month): n for m, month, n in rows}


def stored(municipality: Municipality, period: Period) -> dict[str, int]:
    rows = PeriodFigure.objects.filter(municipality=municipality, start=period.start, end=period.end)
    return dict(rows.values_list("metric", "value"))


def test_active_people_are_the_people_rows_of_each_month_after_runs_adding_to_a_month(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    ann, bob, cat = (make_user(name) for name in ("ann", "bob", "cat"))
    comment(municipality, ann)
    rollup_run()
    month = month_of(local_day(municipality))
    assert active_facts() == {(municipality.pk, month): 1}

    # The same month again: a new person, and one already counted acting once more.
    comment(municipality, bob)
    comment(municipality, ann, "Двери")
    rollup_run()
    assert active_facts() == people_rows() == {(municipality.pk, month): 2}

    comment(municipality, cat)
    rollup_run()
    assert active_facts() == people_rows() == {(municipality.pk, month): 3}
    period = Period(month, add_months(month, 1))
    assert selectors.active_participants(municipality, period) == [3]
    assert rollup_check() == []


def test_repeat_participants_are_kept_for_the_offered_periods_and_read_from_there(
    municipality: Municipality, make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    comment(municipality, ann)
    comment(municipality, ann, "Двери")
    comment(municipality, bob)
    rollup_run()

    today = local_day(municipality)
    offered = offered_periods(today)
    assert len(offered) >= 3  # the last twelve months (this year in December) and the years before
    for period in offered:
        now = period.start <= month_of(today) < period.end
        assert stored(municipality, period) == {
            "repeat_participants": 1 if now else 0,
            "all_participants": 2 if now else 0,
        }
        assert selectors.count_repeat_participants(municipality.pk, period) == ((1, 2) if now else (0, 0))
    default = offered[0]
    assert default == parse_period("", today=today)
    with django_assert_num_queries(1):
        assert selectors.repeat_participants(municipality, default) == (1, 2)
    # The page shows the stored row, not a count of the people.
    PeriodFigure.objects.filter(municipality=municipality, metric="repeat_participants").update(value=7)
    assert selectors.repeat_participants(municipality, default) == (7, 2)


def test_stored_figures_are_refreshed_when_people_are_added(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    comment(municipality, ann)
    rollup_run()
    default = offered_periods(local_day(municipality))[0]
    assert stored(municipality, default) == {"repeat_participants": 0, "all_participants": 1}
    before = PeriodFigure.objects.get(
        municipality=municipality, start=default.start, metric="all_participants"
    )

    comment(municipality, ann, "Двери")
    comment(municipality, bob)
    rollup_run()

    assert stored(municipality, default) == {"repeat_participants": 1, "all_participants": 2}
    after = PeriodFigure.objects.get(
        municipality=municipality, start=default.start, metric="all_participants"
    )
    assert after.computed_at > before.computed_at
    assert selectors.repeat_participants(municipality, default) == (1, 2)
    assert rollup_check() == []


def test_missing_figures_are_computed_and_those_of_periods_no_longer_offered_removed(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    comment(municipality, make_user("ann"))
    rollup_run()
    offered = offered_periods(local_day(municipality))
    # Last year's default period, as after the month has moved on, and one figure lost.
    old = Period(date(2020, 1, 1), date(2021, 1, 1))
    PeriodFigure.objects.create(
        municipality=municipality,
        start=old.start,
        end=old.end,
        metric="repeat_participants",
        value=5,
        computed_at=timezone.now(),
    )
    PeriodFigure.objects.filter(start=offered[0].start, metric="all_participants").delete()

    assert rollup_run().total == 0  # nothing new in the sources

    spans = set(PeriodFigure.objects.values_list("start", "end").distinct())
    assert spans == {(p.start, p.end) for p in offered}
    assert stored(municipality, offered[0]) == {"repeat_participants": 0, "all_participants": 1}


def test_a_period_not_offered_is_counted_from_the_people(
    municipality: Municipality, make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    ann = make_user("ann")
    comment(municipality, ann)
    comment(municipality, ann, "Двери")
    comment(municipality, make_user("bob"))
    rollup_run()
    month = month_of(local_day(municipality))
    this_month = Period(month, add_months(month, 1))
    assert this_month not in offered_periods(local_day(municipality))
    assert not PeriodFigure.objects.filter(start=this_month.start, end=this_month.end).exists()

    with django_assert_num_queries(2):  # the stored figures looked up, then the people summed
        assert selectors.repeat_participants(municipality, this_month) == (1, 2)


def test_check_finds_a_planted_wrong_figure(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    ann = make_user("ann")
    comment(municipality, ann)
    comment(municipality, ann, "Двери")
    rollup_run()
    assert rollup_check() == []
    default = offered_periods(local_day(municipality))[0]
    PeriodFigure.objects.filter(start=default.start, end=default.end, metric="repeat_participants").update(
        value=4
    )
    MonthlyFact.objects.filter(metric="active_people").update(value=9)

    found = rollup_check()

    assert sorted((m.metric, m.key, m.stored, m.recounted) for m in found) == [
        ("active_people", "", 9, 1),
        ("repeat_participants", default.label, 4, 1),
    ]
