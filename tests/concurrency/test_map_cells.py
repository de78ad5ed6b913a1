"""Eight reports in the same map cell, moderated at the same moment: the cell counts all eight.

Each thread moves its own report, so the report locks do not order them; only the upsert of the
shared cell rows (INSERT ... ON CONFLICT DO UPDATE) keeps the count exact.
"""

from __future__ import annotations

import pytest

from veche.accounts.models import User
from veche.core.testing import race
from veche.moderation.services import content_hide
from veche.municipalities.models import Category, Municipality
from veche.reports import mapcells, selectors, services
from veche.reports.models import MapCell
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
            description=f"Hole {i}",
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
