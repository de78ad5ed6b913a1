"""The demo's map in a real Chromium, in Russian on a phone and in English on a desktop: the public map
of Moscow, filled by the demo's own loaders (`veche demo`), shows the demo's reports.

The demo fills ten cities; its reports (250 a city, through the services) are most of its cost, so
the test has the reports loader see only the demo's first city, Moscow: its random sequence starts
with Moscow, so these are the reports `veche demo` makes there. test_map_browser.py checks the map
itself (its box, its clusters against its answer) on reports of `seed-reports`.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction

from tests.e2e.helpers import SETTINGS, Walk
from veche.municipalities import demo as municipalities_demo
from veche.municipalities.models import Municipality
from veche.reports import demo as reports_demo
from veche.reports.selectors import public_reports

pytestmark = pytest.mark.e2e
CITY = "moscow"


def load_the_demo_of_moscow(monkeypatch: pytest.MonkeyPatch) -> Municipality:
    """The demo's cities, and the demo's reports of Moscow (its reports loader sees no other city)."""

    class OnlyMoscow:
        objects = Municipality.objects.filter(slug=CITY)

    out = io.StringIO()
    with transaction.atomic():
        municipalities_demo.load(out)
    with monkeypatch.context() as patch, transaction.atomic():
        patch.setattr(reports_demo, "Municipality", OnlyMoscow)
        reports_demo.load(out)
    return Municipality.objects.get(slug=CITY)


def test_the_map_shows_the_demo_reports_in_both_languages(
    walker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    moscow = load_the_demo_of_moscow(monkeypatch)
    on_map = public_reports(moscow)
    assert on_map.count() > reports_demo.PER_MUNICIPALITY // 2

    for setting in SETTINGS:
        walk: Walk = walker(setting)
        page = walk.page
        with page.expect_response(lambda r: "/reports/map.json?" in r.url) as loaded:
            walk.open(f"/m/{CITY}/reports/map/")
        assert loaded.value.status == 200, (setting, loaded.value.text())

        # The markers count the reports of the box the map shows: every public report in the box,
        # and none but the city's public reports (a cluster counts the whole cells the box touches).
        drawn = page.locator("#report-map .leaflet-marker-icon")
        drawn.first.wait_for()
        shown = sum(int(text) if text.strip().isdigit() else 1 for text in drawn.all_inner_texts())
        south, west, north, east = box_of(loaded.value.url)
        in_box = on_map.filter(latitude__range=(south, north), longitude__range=(west, east)).count()
        assert 0 < in_box <= shown <= on_map.count(), (setting, in_box, shown, on_map.count())
        page.screenshot(path=f"/tmp/e2e-demo-map-{setting}.png")  # noqa: S108


def box_of(url: str) -> tuple[float, ...]:
    """The box (south, west, north, east) the map asked for its reports."""
    return tuple(float(v) for v in parse_qs(urlsplit(url).query)["bbox"][0].split(","))
