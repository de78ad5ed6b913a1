"""The radius search against the plain rule, over circles that cross several cells of the index.

The database reads a circle through `report_geo_cell` (or `report_category_geo` for open reports
and services), chooses the page by id where the circle is crowded, and then reads its rows; the
answer must still be the rule: the public, visible, exactly located reports of the window, the
statuses and the services asked for, within the radius, newest first (the older id first on a
tie), the page cut from that order.
"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veche.core.geo import haversine_m
from veche.municipalities.models import Category
from veche.open311 import selectors
from veche.open311.models import Submission
from veche.open311.selectors import CLOSED, CLOSED_STATUSES, OPEN, OPEN_STATUSES, Near, RequestQuery
from veche.reports.models import PUBLIC, Report, Status

pytestmark = pytest.mark.django_db

CENTRE = (55.75, 37.61)
# Some 1.3 x 1.3 km around the centre: a 500 m circle touches 6 to 12 cells of 1/200 degree and
# holds a hundred and more of the reports.
SPREAD = (0.006, 0.01)
STATUSES = {"": PUBLIC, OPEN: OPEN_STATUSES, CLOSED: CLOSED_STATUSES}


@pytest.fixture
def scattered(municipality, lights, key):
    """800 reports of three services around the centre in every status over 120 days, some hidden,
    some placed by address only; their times repeat, so that the order's tie-break counts."""
    rng = random.Random(311)
    now = timezone.now()
    holes, bins = (
        Category.objects.create(
            municipality=municipality, department=lights.department, slug=slug, name=name, answer_days=5
        )
        for slug, name in (("hole", "Яма"), ("bin", "Урна"))
    )
    times = [now - timedelta(days=rng.uniform(0, 120)) for _ in range(60)]
    reports = Report.objects.bulk_create(
        Report(
            municipality=municipality,
            category=rng.choice([lights, holes, bins]),
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
        for i in range(800)
    )
    approximate = [r for r in reports if rng.random() < 0.1]
    Submission.objects.bulk_create(
        Submission(report=r, api_key=key[0], approximate_location=True, created_at=now) for r in approximate
    )
    return reports, {r.pk for r in approximate}, now


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    north=st.floats(-SPREAD[0], SPREAD[0]),
    east=st.floats(-SPREAD[1], SPREAD[1]),
    radius=st.sampled_from([300.0, 500.0, 800.0]),
    status=st.sampled_from(sorted(STATUSES)),
    services=st.sampled_from([(), ("light",), ("hole",), ("light", "hole")]),
    window=st.sampled_from([(90, 0), (60, 10), (120, 30)]),
    page=st.tuples(st.floats(0, 1), st.integers(1, 60)),
)
def test_a_circle_is_the_rule(municipality, scattered, north, east, radius, status, services, window, page):
    reports, approximate, now = scattered
    lat, lon = CENTRE[0] + north, CENTRE[1] + east
    start, end = now - timedelta(days=window[0]), now - timedelta(days=window[1])
    found = sorted(
        (
            r
            for r in reports
            if r.status in STATUSES[status]
            and r.hidden_at is None
            and r.pk not in approximate
            and (not services or r.category.slug in services)
            and start <= r.created_at <= end
            and haversine_m(lat, lon, r.latitude, r.longitude) <= radius
        ),
        key=lambda r: (-r.created_at.timestamp(), r.pk),
    )
    # The offset anywhere from the first row to just past the last, so that pages from the middle
    # and the end of the order are asked for, not only pages past it.
    offset, limit = round(page[0] * (len(found) + 1)), page[1]
    query = RequestQuery(
        near=Near(lat, lon, radius),
        statuses=frozenset({status} - {""}),
        service_codes=services,
        start=start,
        end=end,
        offset=offset,
        limit=limit,
    )

    shown = [row.id for row in selectors.request_page(municipality, query)]

    assert shown == [r.pk for r in found[offset : offset + limit]]


def test_the_examples_ask_for_real_pages(municipality, scattered):
    """The fixture puts dozens of reports, across several cells, in a circle of 500 m at the centre,
    with ties in time among them: the property above compares pages, not empty lists."""
    reports, approximate, now = scattered
    inside = [
        r
        for r in reports
        if r.status in PUBLIC
        and r.hidden_at is None
        and r.pk not in approximate
        and now - timedelta(days=90) <= r.created_at
        and haversine_m(*CENTRE, r.latitude, r.longitude) <= 500
    ]
    cells = {(int(r.latitude * 200), int(r.longitude * 200)) for r in inside}
    times = [r.created_at for r in inside]

    assert len(inside) >= 40 and len(cells) >= 6 and len(set(times)) < len(times)
    query = RequestQuery(near=Near(*CENTRE, 500.0), start=now - timedelta(days=90), end=now)
    assert len(selectors.request_page(municipality, query)) == len(inside)
