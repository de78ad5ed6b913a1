"""The public map of reports in a real Chromium, in Russian on a phone and in English on a desktop:
it opens on the city with its clusters and a legend, a cluster pressed splits, a lone report is a
pin whose popup says what it is and links to it, the report page has its small map and a link back
to the city map, and nothing scrolls sideways.

The city is filled as the demo is (`seed-reports`: a few hundred reports around the centre), and
one report stands alone far north of them. The tile server is not the site's: the test answers tile
requests itself with a plain tile.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from PIL import Image, ImageDraw

from veche.core.testing import text_in
from veche.municipalities.models import Municipality
from veche.reports import services
from veche.reports.models import PUBLIC
from veche.reports.selectors import public_reports

pytestmark = pytest.mark.e2e
REPORTS = 300
ALONE_NORTH = 0.6  # degrees north of the centre: far beyond the seeded spread (0.15)


def plain_tile() -> bytes:
    """A 256-pixel map tile: a pale ground with a grid, so that a screenshot shows the map's extent."""
    image = Image.new("RGB", (256, 256), (238, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.line([(0, 0), (255, 0)], fill=(210, 206, 196))
    draw.line([(0, 0), (0, 255)], fill=(210, 206, 196))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def asked(response: Any) -> tuple[tuple[float, ...], int]:
    """The box and zoom a map.json request asked for."""
    query = parse_qs(urlsplit(response.url).query)
    return tuple(float(v) for v in query["bbox"][0].split(",")), int(query["zoom"][0])


def inside(box: list[float], item: dict[str, Any]) -> bool:
    south, west, north, east = box
    return south <= item["lat"] <= north and west <= item["lon"] <= east


def fits_the_screen(visitor: Any) -> bool:
    return bool(visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(
    ("language", "locale", "width", "height"),
    [("ru", "ru-RU", 390, 844), ("en", "en-US", 1280, 800)],
)
def test_the_public_map_clusters_split_pins_open_and_the_report_page_shows_its_place(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    moderator: Any,
    resident: Any,
    lights: Any,
    language: str,
    locale: str,
    width: int,
    height: int,
) -> None:
    call_command("seed-reports", count=REPORTS, municipality=municipality.slug, stdout=io.StringIO())
    assert public_reports(municipality).count() > REPORTS // 2
    alone = services.report_moderate(
        moderator=moderator,
        report=services.report_submit(
            author=resident,
            municipality=municipality,
            category=lights,
            latitude=municipality.latitude + ALONE_NORTH,
            longitude=municipality.longitude,
            description="The street light is out",
            address="Tverskaya 1",
        ),
    )
    tile = plain_tile()
    base = f"{live_server.url}/m/{municipality.slug}/reports"

    context = page.context.browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    try:
        visitor = context.new_page()
        with visitor.expect_response(lambda r: "/reports/map.json?" in r.url) as loaded:
            visitor.goto(f"{base}/map/")
        assert visitor.get_attribute("html", "lang") == language
        answer = loaded.value
        assert answer.status == 200, answer.text()
        data = answer.json()
        clusters = data["clusters"]

        # The map's script asks for the reports in the box it shows: a box around the city centre.
        (south, west, north, east), zoom = asked(answer)
        assert abs((south + north) / 2 - municipality.latitude) < 0.001
        assert abs((west + east) / 2 - municipality.longitude) < 0.001

        # The clusters it got are on the map, numbered with their counts.
        drawn = visitor.locator("#report-map .leaflet-marker-icon.cluster")
        drawn.first.wait_for()
        assert drawn.count() == len(clusters) > 0
        assert sum(int(text) for text in drawn.all_inner_texts()) == sum(c["count"] for c in clusters)
        assert visitor.locator("#report-map .leaflet-marker-icon.pin-marker").count() == len(data["pins"])

        # The legend names every status on the public map, in the page's language, by its pin.
        legend = visitor.locator(".map-legend li")
        assert legend.count() == len(PUBLIC) + 1
        for status in PUBLIC:
            item = legend.filter(has=visitor.locator(f".pin.status-{status.value}"))
            with translation.override(language):
                label = str(status.label)
            assert item.inner_text().strip().lower() == label.lower()
        assert fits_the_screen(visitor)
        visitor.locator("#report-map").scroll_into_view_if_needed()
        visitor.screenshot(path=f"/tmp/e2e-map-{language}-{width}-{connection.vendor}.png")  # noqa: S108

        # Pressing a cluster near the middle zooms to the box of its reports, where it splits.
        map_box = visitor.locator("#report-map").bounding_box()
        middle = ((south + north) / 2, (west + east) / 2)
        counts = [c["count"] for c in clusters]
        unique = [c for c in clusters if counts.count(c["count"]) == 1 and c["count"] > 1]
        chosen = min(unique, key=lambda c: (c["lat"] - middle[0]) ** 2 + (c["lon"] - middle[1]) ** 2)
        marker = visitor.locator(f'#report-map .leaflet-marker-icon.cluster[title^="{chosen["count"]} "]')
        box = marker.bounding_box()
        assert box and map_box["x"] <= box["x"] and box["x"] + box["width"] <= map_box["x"] + map_box["width"]
        with visitor.expect_response(lambda r: "/reports/map.json?" in r.url) as reloaded:
            marker.click()
        split = reloaded.value.json()
        _, closer = asked(reloaded.value)
        assert closer > zoom
        parts = [c for c in split["clusters"] if inside(chosen["bbox"], c)]
        parts += [p for p in split["pins"] if inside(chosen["bbox"], p)]
        assert len(parts) >= 2, (chosen, split)

        # A lone report is a pin; pressed, its popup says its category, status and day, and links to it.
        with visitor.expect_response(lambda r: "/reports/map.json?" in r.url):
            visitor.goto(f"{base}/map/?lat={alone.latitude}&lon={alone.longitude}&zoom=15")
        pin = visitor.locator("#report-map .leaflet-marker-icon.pin-marker")
        pin.wait_for()
        assert pin.count() == 1
        assert pin.locator(".pin.status-routed").count() == 1
        pin.click()
        popup = visitor.locator("#report-map .leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert ("Свет" if language == "ru" else "Street light") in text
        assert text_in(language, "routed to department") in text
        link = popup.get_by_role("link", name=text_in(language, "Open the report"))
        assert link.get_attribute("href") == f"/m/{municipality.slug}/reports/{alone.pk}/"
        assert fits_the_screen(visitor)
        # The map moving under an open popup (as it pans to fit one on a phone) does not redraw the
        # pins, which took the popup away before it could be read.
        visitor.locator("#report-map").focus()
        visitor.keyboard.press("ArrowDown")
        visitor.wait_for_load_state("networkidle")  # any redraw the move caused has come and gone
        assert popup.is_visible()

        # The report page shows its place on a small map, and links back to it on the city map.
        link.click()
        visitor.wait_for_url(f"**/reports/{alone.pk}/")
        spot = visitor.locator("#report-spot .leaflet-marker-icon.pin-marker")
        spot.wait_for()
        assert visitor.locator("#report-spot .leaflet-tile").count() > 0
        assert fits_the_screen(visitor)
        visitor.screenshot(path=f"/tmp/e2e-report-map-{language}-{width}-{connection.vendor}.png")  # noqa: S108
        with visitor.expect_response(lambda r: "/reports/map.json?" in r.url) as focused:
            visitor.get_by_role("link", name=text_in(language, "Show on the city map")).click()
        assert asked(focused.value)[1] == 17
        # It opens on the report, its popup open.
        visitor.locator("#report-map .leaflet-popup-content").wait_for()
        assert (
            text_in(language, "Open the report")
            in visitor.locator("#report-map .leaflet-popup-content").inner_text()
        )
    finally:
        context.close()
