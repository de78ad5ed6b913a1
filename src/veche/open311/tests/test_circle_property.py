"""The radius search against the plain rule, over circles that cross several cells of the index.

The database reads a circle through `report_geo_cell`, cell by cell, chooses the page by id and
then reads its rows; the answer must still be the rule: the public, visible, exactly located
reports within the radius, newest first (the older id first on a tie), the page cut from that order.
"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veche.core.geo import haversine_m
from veche.open311 import selectors
from veche.open311.models import Submission
from veche.open311.selectors import CLOSED, CLOSED_STATUSES, Near, RequestQuery
from veche.reports.models import PUBLIC, Report, Status

pytestmark = pytest.mark.django_db

CENTRE = (55.75, 37.61)
# Some 2 x 3 km around the centre: a 500 m circle touches 6 to 12 cells of 1/200 degree.
SPREAD = (0.012, 0.025)


@pytest.fixture
def scattered(municipality, lights, key):
    """120 reports around the centre in every status, some hidden, some placed by address only;
    their times repeat, so that the order's tie-break counts."""
    rng = random.Random(311)
    now = timezone.now()
    times = [now - timedelta(days=rng.uniform(0, 80)) for _ in range(30)]
    reports = Report.objects.bulk_create(
        Report(
            municipality=municipality,
            category=lights,
            status=rng.choice(list(Status)),
            description=f"Report {i}",
            latitude=CENTRE[0] + rng.uniform(-SPREAD[0], SPREAD[0]),
            longitude=CENTRE[1] + rng.uniform(-SPREAD[1], SPREAD[1]),
            created_at=(created := rng.choice(times)),
            updated_at=created,
            moderation_due=created.date(),
            answer_due=created.date(),
            hidden_at=now if rng.random() < 0.1 else None,
        )
        for i in range(120)
    )
    approximate = [r for r in reports if rng.random() < 0.1]
    Submission.objects.bulk_create(
        Submission(report=r, api_key=key[0], approximate_location=True, created_at=now) for r in approximate
    )
    return reports, {r.pk for r in approximate}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    north=st.floats(-SPREAD[0], SPREAD[0]),
    east=st.floats(-SPREAD[1], SPREAD[1]),
    radius=st.sampled_from([50.0, 300.0, 500.0, 900.0]),
    closed=st.booleans(),
    offset=st.integers(0, 30),
    limit=st.integers(1, 40),
)
def test_a_circle_is_the_rule(municipality, scattered, north, east, radius, closed, offset, limit):
    reports, approximate = scattered
    lat, lon = CENTRE[0] + north, CENTRE[1] + east
    statuses = CLOSED_STATUSES if closed else PUBLIC
    expected = sorted(
        (
            r
            for r in reports
            if r.status in statuses
            and r.hidden_at is None
            and r.pk not in approximate
            and haversine_m(lat, lon, r.latitude, r.longitude) <= radius
        ),
        key=lambda r: (-r.created_at.timestamp(), r.pk),
    )[offset : offset + limit]
    query = RequestQuery(
        near=Near(lat, lon, radius),
        statuses=frozenset({CLOSED}) if closed else frozenset(),
        start=timezone.now() - timedelta(days=90),
        offset=offset,
        limit=limit,
    )
    assert [row.id for row in selectors.request_page(municipality, query)] == [r.pk for r in expected]
