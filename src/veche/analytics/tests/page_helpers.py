"""Roll-up rows written straight into analytics' own tables, as `rollup_run` would have written them,
for the pages' and the API's tests (a known set of figures, no participation app needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veche.accounts.models import User
from veche.analytics.models import MonthlyFact, MonthlyParticipant
from veche.core.testing import build_municipality
from veche.municipalities.models import Municipality

MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)
PERIOD = "2025"


def network_key(municipality: Municipality) -> str:
    """The key of the fixtures' roads department, central district and pothole category."""
    department = municipality.departments.get()
    district = municipality.districts.get(slug="d1")
    category = municipality.categories.get(slug="pothole")
    return f"{department.pk}|{district.pk}|{category.pk}"


def write_facts(municipality: Municipality, make_user: Callable[..., User], *, people: int = 3) -> None:
    """In March 2025: 1,234 reports written and 2 ideas, 7 poll votes, 4 reports received, 3 answered
    (2 in time, after 10, 20 and 30 hours), 1 disputed; in April: 3 initiative supports, an
    initiative reached its threshold and was adopted. `people` took part in March, the first of
    them in April too (with 2 actions in all: a repeat participant)."""
    key = network_key(municipality)
    facts = [
        (MARCH, "contributions", "report", 0, 1234),
        (MARCH, "contributions", "idea", 0, 2),
        (MARCH, "votes", "poll", 0, 7),
        (APRIL, "votes", "support", 0, 3),
        (MARCH, "reports_received", key, 0, 4),
        (MARCH, "reports_answered", key, 0, 3),
        (MARCH, "reports_answered_in_time", key, 0, 2),
        (MARCH, "reports_disputed", key, 0, 1),
        (MARCH, "answer_hours", key, 10, 1),
        (MARCH, "answer_hours", key, 20, 1),
        (MARCH, "answer_hours", key, 30, 1),
        (APRIL, "initiatives_threshold", "", 0, 1),
        (APRIL, "initiatives_adopted", "", 0, 1),
    ]
    MonthlyFact.objects.bulk_create(
        MonthlyFact(municipality=municipality, month=m, metric=metric, key=k, bucket=b, value=v)
        for m, metric, k, b, v in facts
    )
    users = [make_user(f"{municipality.slug}-person{i}") for i in range(people)]
    rows = [MonthlyParticipant(municipality=municipality, month=MARCH, user=u, actions=1) for u in users]
    rows.append(MonthlyParticipant(municipality=municipality, month=APRIL, user=users[0], actions=1))
    MonthlyParticipant.objects.bulk_create(rows)
    MonthlyFact.objects.bulk_create(
        MonthlyFact(municipality=municipality, month=m, metric="active_people", value=n)
        for m, n in ((MARCH, people), (APRIL, 1))
    )


def add_towns(numbers: range, make_user: Callable[..., User]) -> None:
    """Municipalities town<i> with the figures of `write_facts`, one person each."""
    for i in numbers:
        write_facts(build_municipality(f"town{i}", f"Город {i}", f"Town {i}"), make_user, people=1)


def count_queries(client: Client, path: str, period: str = PERIOD) -> int:
    """The queries of one successful GET of `path` for `period`."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, {"period": period}).status_code == 200
    return len(captured)
