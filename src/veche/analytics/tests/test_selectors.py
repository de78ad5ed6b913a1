"""The selectors sum the roll-ups over a period, in a fixed number of queries."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from veche.accounts.models import User
from veche.analytics import selectors
from veche.analytics.models import MonthlyFact, MonthlyParticipant
from veche.analytics.periods import Period
from veche.municipalities.models import Category, Department, District, Municipality

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
QUARTER = Period(JAN, date(2026, 4, 1))


@pytest.fixture
def facts(municipality: Municipality, other_municipality: Municipality) -> dict[str, Any]:
    roads = municipality.departments.get(name_ru="Дороги")
    pothole = Category.objects.get(municipality=municipality, slug="pothole")
    central, northern = municipality.districts.order_by("slug")
    parks = Department.objects.create(municipality=municipality, name="Парки", name_en="Parks")
    one = f"{roads.pk}|{central.pk}|{pothole.pk}"
    two = f"{parks.pk}|{northern.pk}|{pothole.pk}"
    rows = [
        (JAN, "contributions", "report", 0, 4),
        (FEB, "contributions", "report", 0, 2),
        (FEB, "contributions", "idea", 0, 1),
        (JAN, "votes", "poll", 0, 10),
        (MAR, "votes", "budget", 0, 5),
        (JAN, "reports_received", one, 0, 3),
        (FEB, "reports_received", two, 0, 1),
        (JAN, "reports_answered", one, 0, 2),
        (JAN, "reports_answered_in_time", one, 0, 1),
        (FEB, "reports_answered", two, 0, 1),
        (FEB, "reports_disputed", two, 0, 1),
        (JAN, "answer_hours", one, 10, 1),
        (JAN, "answer_hours", one, 30, 1),
        (FEB, "answer_hours", two, 50, 1),
        (MAR, "initiatives_threshold", "", 0, 1),
        # Outside the period, and another municipality's.
        (date(2025, 12, 1), "contributions", "report", 0, 100),
        (date(2026, 4, 1), "contributions", "report", 0, 100),
    ]
    for month, metric, key, bucket, value in rows:
        MonthlyFact.objects.create(
            municipality=municipality, month=month, metric=metric, key=key, bucket=bucket, value=value
        )
    MonthlyFact.objects.create(
        municipality=other_municipality, month=JAN, metric="contributions", key="report", value=100
    )
    return {"one": one, "two": two, "roads": roads, "parks": parks, "central": central, "northern": northern}


def test_totals_by_key_and_monthly(municipality: Municipality, facts: dict[str, Any]) -> None:
    assert selectors.totals(municipality, QUARTER, ["contributions", "votes", "nothing"]) == {
        "contributions": 7,
        "votes": 15,
        "nothing": 0,
    }
    assert selectors.by_key(municipality, QUARTER, "contributions") == {"idea": 1, "report": 6}
    assert selectors.monthly(municipality, QUARTER, "contributions") == [4, 3, 0]
    assert selectors.monthly(municipality, QUARTER, "contributions", key="idea") == [0, 1, 0]


def test_median_answer_hours_from_the_histogram(municipality: Municipality, facts: dict[str, Any]) -> None:
    assert selectors.median_answer_hours(municipality, QUARTER) == 30
    assert selectors.median_answer_hours(municipality, Period(JAN, FEB)) == 20
    assert selectors.median_answer_hours(municipality, QUARTER, key_prefix=f"{facts['parks'].pk}|") == 50
    assert selectors.median_answer_hours(municipality, Period(MAR, date(2026, 4, 1))) is None
    assert selectors.median_of({1: 2, 5: 1, 9: 1}) == 3
    assert selectors.median_of({}) is None


def test_participants(municipality: Municipality, make_user: Callable[..., User]) -> None:
    ann, bob, cat = (make_user(name) for name in ("ann", "bob", "cat"))
    for user, month, actions in [(ann, JAN, 1), (ann, FEB, 1), (bob, JAN, 3), (cat, MAR, 1)]:
        MonthlyParticipant.objects.create(municipality=municipality, month=month, user=user, actions=actions)
    # What the roll-up keeps at the end of a run: the people's rows of each month.
    for month, n in [(JAN, 2), (FEB, 1), (MAR, 1)]:
        MonthlyFact.objects.create(municipality=municipality, month=month, metric="active_people", value=n)
    assert selectors.active_participants(municipality, QUARTER) == [2, 1, 1]
    assert selectors.repeat_participants(municipality, QUARTER) == (2, 3)
    assert selectors.repeat_participants(municipality, Period(JAN, FEB)) == (1, 2)


def test_network_resolves_names_in_a_bounded_number_of_queries(
    municipality: Municipality, facts: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        rows = selectors.network(municipality, QUARTER)
    first, second = rows
    assert (first.key, first.department, first.district, first.category) == (
        facts["one"],
        "Дороги",
        "Центральный",
        "Яма",
    )
    assert (first.received, first.answered, first.in_time, first.median_hours, first.disputed) == (
        3,
        2,
        1,
        20,
        0,
    )
    assert (second.department, second.received, second.answered, second.median_hours, second.disputed) == (
        "Парки",
        1,
        1,
        50,
        1,
    )


def test_network_of_many_rows_takes_the_same_queries(
    municipality: Municipality, django_assert_num_queries: Any
) -> None:
    roads = municipality.departments.get()
    pothole = Category.objects.get(municipality=municipality)
    for i in range(20):
        district = District.objects.create(municipality=municipality, name=f"Район {i}", slug=f"x{i}")
        MonthlyFact.objects.create(
            municipality=municipality,
            month=JAN,
            metric="reports_received",
            key=f"{roads.pk}|{district.pk}|{pothole.pk}",
            value=1,
        )
    with django_assert_num_queries(5):
        rows = selectors.network(municipality, QUARTER)
    assert len(rows) == 20 and all(row.district.startswith("Район") for row in rows)


def test_indicators(
    municipality: Municipality, facts: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(4):
        shown = selectors.indicators(municipality, QUARTER)
    assert shown.months == [JAN, FEB, MAR]
    assert shown.contributions["report"] == [4, 2, 0]
    assert shown.contributions["idea"] == [0, 1, 0]
    assert shown.votes == [10, 0, 5]
    assert shown.votes_by_kind["budget"] == [0, 0, 5]
    assert shown.received == [3, 1, 0]
    assert shown.answered == [2, 1, 0]
    assert shown.answered_in_time == [1, 0, 0]
    assert shown.median_answer_hours == [20, 50, None]
    assert shown.disputed == [0, 1, 0]
    assert shown.initiatives_threshold == [0, 0, 1]
    assert shown.initiatives_adopted == [0, 0, 0]
    assert shown.active == [0, 0, 0]


def test_totals_take_one_query(
    municipality: Municipality, facts: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        selectors.totals(municipality, QUARTER, ["contributions", "votes"])
    with django_assert_num_queries(1):
        selectors.monthly(municipality, QUARTER, "votes")
    with django_assert_num_queries(2):
        selectors.repeat_participants(municipality, QUARTER)
