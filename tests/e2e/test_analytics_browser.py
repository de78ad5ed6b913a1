"""Issue 14's pages in a real Chromium, Russian on a 360 px phone and English on a 1280 px desktop:
anyone opens the comparison of municipalities (the classification table with its sparklines), goes
to a municipality's dashboard where Chart.js draws every chart (each canvas has pixels), opens a
chart's figures as a table, and goes on to the network of interaction (the table of who answers
whom and the flow picture). Every page passes `check_page` (nothing wider than the screen: wide
tables scroll inside their own box; no serious axe-core violation). Screenshots go to
/tmp/e2e-analytics/."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import ENGLISH_DESKTOP, Setting, Walk
from veche.accounts.models import User
from veche.analytics.charts import CHART_SLUGS
from veche.analytics.tests.page_helpers import PERIOD, write_facts
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/e2e-analytics"  # noqa: S108 - screenshots for a person to look at
RUSSIAN_NARROW_PHONE = Setting("ru", "ru-RU", 360, 780)

# Whether a canvas has any pixel drawn on it.
DRAWN = """canvas => {
  if (!canvas.width || !canvas.height) return false;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def shot(page: Any, name: str, setting: object) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}-{setting}.png", full_page=True)


@pytest.mark.parametrize("setting", [RUSSIAN_NARROW_PHONE, ENGLISH_DESKTOP], ids=str)
def test_anyone_compares_municipalities_reads_a_dashboard_and_its_network(
    walker: Callable[[Setting], Walk],
    setting: Setting,
    municipality: Municipality,
    other_municipality: Municipality,
    make_user: Callable[..., User],
) -> None:
    write_facts(municipality, make_user)
    write_facts(other_municipality, make_user, people=1)
    walk = walker(setting)
    page = walk.page

    # The comparison: a row per municipality, the model, the sparklines.
    walk.open(f"/analytics/?period={PERIOD}")
    rows = page.locator("#classification tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator('tr[data-municipality="testgrad"] svg.sparkline polyline')).to_have_count(2)
    expect(page.locator('tr[data-municipality="testgrad"]')).to_contain_text(walk._("Residents inform"))
    shot(page, "comparison", setting)

    # The dashboard: every chart drawn by Chart.js.
    walk.press(page.locator('tr[data-municipality="testgrad"] th a'))
    assert walk.url == "/analytics/testgrad/?period=2025-01..2025-12"
    for slug in CHART_SLUGS:
        canvas = page.locator(f"#chart-{slug}")
        expect(canvas).to_be_visible()
        page.wait_for_function(DRAWN, arg=canvas.element_handle())
    walk.check()
    shot(page, "dashboard", setting)

    # A chart's figures as a table, in the walk's language, inside its own box.
    votes = page.locator("#votes")
    votes.locator("summary").click()
    table = votes.locator("table")
    expect(table).to_be_visible()
    expect(table.locator('th[data-month="2025-03"]')).to_be_visible()
    expect(table.locator("tbody tr").nth(2).locator('td[data-value="7"]')).to_have_count(1)
    walk.check()
    votes.screenshot(path=f"{SHOTS}/votes-table-{setting}.png")

    # The network of interaction: who answers whom, repeat participants, the flow picture.
    walk.press(page.locator('#evidence a[href^="/analytics/testgrad/network/"]'))
    expect(page.locator("#network-table tbody tr")).to_have_count(1)
    expect(page.locator("#repeat")).to_have_attribute("data-participants", "3")
    expect(page.locator('figure[data-stream="report"] svg path.flow-band')).to_have_count(3)
    walk.check()
    shot(page, "network", setting)
