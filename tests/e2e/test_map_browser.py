"""The public map of reports in a real Chromium, in Russian on a phone and in English on a desktop:
it opens on the city, shows the clusters of the city's reports and does not scroll sideways.

The city is filled as the demo is (`seed-reports`: a few hundred reports around the centre). The
tile server is not the site's: the test answers tile requests itself with a plain tile.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from PIL import Image, ImageDraw

from veche.municipalities.models import Municipality
from veche.reports.selectors import public_reports

pytestmark = pytest.mark.e2e
REPORTS = 300


def plain_tile() -> bytes:
    """A 256-pixel map tile: a pale ground with a grid, so that a screenshot shows the map's extent."""
    image = Image.new("RGB", (256, 256), (238, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.line([(0, 0), (255, 0)], fill=(210, 206, 196))
    draw.line([(0, 0), (0, 255)], fill=(210, 206, 196))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("language", "locale", "width", "height"),
    [("ru", "ru-RU", 390, 844), ("en", "en-GB", 1280, 800)],
)
def test_the_public_map_opens_on_the_city_with_its_reports_and_fits_the_screen(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    language: str,
    locale: str,
    width: int,
    height: int,
) -> None:
    call_command("seed-reports", count=REPORTS, municipality=municipality.slug, stdout=io.StringIO())
    assert public_reports(municipality).count() > REPORTS // 2
    tile = plain_tile()

    context = page.context.browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    try:
        visitor = context.new_page()
        with visitor.expect_response(lambda r: "/reports/map.json?" in r.url) as loaded:
            visitor.goto(f"{live_server.url}/m/{municipality.slug}/reports/map/")
        assert visitor.get_attribute("html", "lang") == language
        answer = loaded.value
        assert answer.status == 200, answer.text()
        clusters = answer.json()["clusters"]

        # The map's script asks for the reports in the box it shows: a box around the city centre.
        query = parse_qs(urlsplit(answer.url).query)
        south, west, north, east = (float(v) for v in query["bbox"][0].split(","))
        centre = ((south + north) / 2, (west + east) / 2)
        assert abs(centre[0] - municipality.latitude) < 0.001, (centre, query)
        assert abs(centre[1] - municipality.longitude) < 0.001, (centre, query)

        # The clusters it got are on the map, and together they count reports of the city.
        drawn = visitor.locator("#report-map .leaflet-marker-icon.cluster")
        drawn.first.wait_for()
        assert drawn.count() == len(clusters) > 0
        shown = sum(int(text) for text in drawn.all_inner_texts())
        assert shown == sum(c["count"] for c in clusters) > 0
        map_box = visitor.locator("#report-map").bounding_box()
        inside = [
            box
            for box in (drawn.nth(i).bounding_box() for i in range(drawn.count()))
            if box
            and map_box["x"] <= box["x"] + box["width"] / 2 <= map_box["x"] + map_box["width"]
            and map_box["y"] <= box["y"] + box["height"] / 2 <= map_box["y"] + map_box["height"]
        ]
        assert inside, "no cluster within the map's frame"

        # Nothing is wider than the screen.
        assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visitor.locator("#report-map").scroll_into_view_if_needed()
        visitor.screenshot(path=f"/tmp/e2e-map-{language}-{width}-{connection.vendor}.png")  # noqa: S108
    finally:
        context.close()
