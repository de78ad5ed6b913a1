"""Eight reports in the same map cell, moderated at the same moment: the cell counts all eight.

Each thread moves its own report, so the report locks do not order them; only the upsert of the
shared cell rows (INSERT ... ON CONFLICT DO UPDATE) keeps the count exact.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.core.testing import race
from veche.moderation.services import content_hide
from veche.municipalities.models import Category, Municipality
from veche.reports import mapcells, selectors, services
from veche.reports.models import MapCell, Report
from veche.reports.selectors import ReportFilters

pytestmark = pytest.mark.usefixtures("transactional_db")

THREADS = 8


def test_eight_reports_moderated_at_once_in_one_cell_count_eight(
    municipality: Municipality, resident: User, moderator: User, official: User
) -> None:
    category = Category.objects.get(municipality=municipality, slug="pothole")
    category.photo_required = False
    category.save()
    reports = [
        services.report_submit(
            author=resident,
            municipality=municipality,
            category=category,
            latitude=55.75 + i * 0.00001,
            longitude=37.61,
            description=f"A hole in the road, No. {i}",
        )
        for i in range(THREADS)
    ]
    box = (55.7, 37.5, 55.8, 37.7)

    def shown(zoom: int) -> list[int]:
        return [c["count"] for c in selectors.public_map(municipality, ReportFilters(), bbox=box, zoom=zoom)]

    results, errors = race(
        [lambda r=r: services.report_moderate(moderator=moderator, report=r) for r in reports]
    )

    assert errors == []
    assert len(results) == THREADS
    assert shown(16) == [THREADS]
    assert (
        MapCell.objects.get(municipality=municipality, level=16, category_key=0, district_key=0).count
        == THREADS
    )
    assert mapcells.differences(municipality) == []

    # Four hidden while the other four start work, all at once: the counts follow every one.
    results, errors = race(
        [lambda r=r: content_hide(moderator=moderator, content=r, reason="Spam") for r in reports[:4]]
        + [lambda r=r: services.report_start(official=official, report=r) for r in reports[4:]]
    )

    assert errors == []
    assert shown(12) == [4]
    assert mapcells.differences(municipality) == []


def test_steps_moving_reports_both_ways_through_the_same_cells_at_once_do_not_deadlock(
    municipality: Municipality, resident: User, moderator: User, official: User
) -> None:
    """Rejections (in progress → rejected) race disputes (rejected → in progress): each locks the
    same cell rows, in one order, so none waits in a circle (PostgreSQL would kill one: a 500)."""
    category = Category.objects.get(municipality=municipality, slug="pothole")
    category.photo_required = False
    category.save()

    def started(i: int) -> Report:
        report = services.report_submit(
            author=resident,
            municipality=municipality,
            category=category,
            latitude=55.75 + i * 0.00001,
            longitude=37.61,
            description=f"A hole in the road, No. {i}",
        )
        return services.report_start(
            official=official, report=services.report_moderate(moderator=moderator, report=report)
        )

    to_reject = [started(i) for i in range(4)]
    to_dispute = [
        services.report_reject(official=official, report=started(i), reason="Not ours") for i in range(4, 8)
    ]

    for _ in range(3):
        results, errors = race(
            [
                lambda r=r: services.report_reject(official=official, report=r, reason="Not ours")
                for r in to_reject
            ]
            + [
                lambda r=r: services.report_dispute(author=resident, report=r, reason="Still there")
                for r in to_dispute
            ]
        )
        assert errors == []
        assert mapcells.differences(municipality) == []
        to_reject, to_dispute = to_dispute, to_reject  # the disputed are in progress again, and back


def test_the_days_tick_racing_the_steps_of_reports_falling_due_keeps_the_counts(
    municipality: Municipality, resident: User, moderator: User, official: User
) -> None:
    category = Category.objects.get(municipality=municipality, slug="pothole")
    category.photo_required = False
    category.save()
    long_ago = timezone.now() - timedelta(days=40)
    reports = [
        services.report_moderate(
            moderator=moderator,
            report=services.report_submit(
                author=resident,
                municipality=municipality,
                category=category,
                latitude=55.75,
                longitude=37.61 + i * 0.00001,
                description=f"A hole in the road, No. {i}",
                now=long_ago,
            ),
        )
        for i in range(6)
    ]
    services.reports_map_advance(now=long_ago)  # nothing is overdue yet on that day

    results, errors = race(
        [services.reports_map_advance, services.reports_map_advance]
        + [lambda r=r: services.report_start(official=official, report=r) for r in reports[:3]]
        + [lambda r=r: content_hide(moderator=moderator, content=r, reason="Spam") for r in reports[3:]]
    )

    assert errors == []
    assert mapcells.differences(municipality) == []
    overdue = selectors.public_map(
        municipality, ReportFilters(overdue=True), bbox=(55.7, 37.5, 55.8, 37.7), zoom=12
    )
    assert [c["count"] for c in overdue] == [3]
