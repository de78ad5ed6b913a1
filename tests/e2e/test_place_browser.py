"""Placing a report in a real Chromium, in Russian on a phone and in English on a desktop: "My location"
puts the marker where the browser says the resident is, the keyboard moves the map under the cross
and "Put the marker here" puts it there, the report is filed at that place, and nothing scrolls sideways.

The browser's position is a fake one inside the city; the tiles are answered by the test.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings
from PIL import Image
from playwright.sync_api import expect

from veche.accounts.models import User
from veche.core.testing import local_service, text_in
from veche.municipalities.models import Category, Municipality
from veche.reports.models import Report

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"
HERE = {"latitude": 55.7601, "longitude": 37.6201}


def plain_tile() -> bytes:
    """A pale 256-pixel tile: Leaflet only needs an image to answer each tile with."""
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (238, 236, 228)).save(out, format="PNG")
    return out.getvalue()


TILE = plain_tile()


def new_context(page: Any, locale: str, width: int, height: int, **extra: Any) -> Any:
    context = page.context.browser.new_context(
        locale=locale, viewport={"width": width, "height": height}, **extra
    )
    context.set_default_timeout(15_000)
    context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
    )
    return context


def signed_in(context: Any, base: str, username: str) -> Any:
    visitor = context.new_page()
    visitor.goto(base + "/accounts/login/")
    visitor.fill("#id_username", username)
    visitor.fill("#id_password", PASSWORD)
    with visitor.expect_navigation():
        visitor.click("main form button[type=submit]")
    return visitor


@pytest.fixture
def anna(municipality: Municipality, make_user: Callable[..., User]) -> User:
    """A resident of the test city, which has a boundary around the centre of Moscow."""
    ring = [[37.3, 55.5], [37.9, 55.5], [37.9, 56.0], [37.3, 56.0], [37.3, 55.5]]
    municipality.boundary = {"type": "Polygon", "coordinates": [ring]}
    municipality.save()
    return make_user("anna")


def no_sideways_scroll(visitor: Any) -> bool:
    return bool(visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize(
    ("language", "locale", "width", "height"),
    [("ru", "ru-RU", 390, 844), ("en", "en-US", 1280, 800)],
)
def test_my_location_and_the_keyboard_put_the_marker_and_the_report_is_filed_there(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    lights: Category,
    anna: User,
    language: str,
    locale: str,
    width: int,
    height: int,
) -> None:
    base = live_server.url
    context = new_context(page, locale, width, height, geolocation=HERE, permissions=["geolocation"])
    try:
        visitor = signed_in(context, base, "anna")
        visitor.goto(f"{base}/m/{municipality.slug}/reports/new/")
        assert visitor.get_attribute("html", "lang") == language

        # With the script, the map and its hint replace the typed-coordinates text.
        assert visitor.is_hidden("#place-hint-plain")
        assert visitor.is_visible("#pick-map") and visitor.is_visible("#place-hint-map")
        assert visitor.locator("#pick-map .leaflet-marker-icon").count() == 0  # nobody placed it yet
        assert no_sideways_scroll(visitor)

        # "My location": the marker goes to the browser's position and fills the coordinates.
        visitor.click("#my-location")
        expect(visitor.locator("[name=latitude]")).to_have_value("55.760100")
        assert visitor.input_value("[name=longitude]") == "37.620100"
        assert visitor.locator("#pick-map .leaflet-marker-icon").count() == 1
        located = text_in(language, "The marker is at your location. Drag it if it is not quite there.")
        assert visitor.text_content("#place-status") == located

        # The keyboard: the focused map pans east with the arrow key, and the button puts the
        # marker under the cross, at the map's new centre.
        visitor.wait_for_timeout(800)  # the zoom to the location is animated
        visitor.focus("#pick-map")
        for _ in range(3):
            visitor.keyboard.press("ArrowRight")
        visitor.wait_for_timeout(400)  # Leaflet's pan animation
        visitor.focus("#put-here")
        visitor.keyboard.press("Enter")
        expect(visitor.locator("[name=longitude]")).not_to_have_value("37.620100")
        latitude = float(visitor.input_value("[name=latitude]"))
        longitude = float(visitor.input_value("[name=longitude]"))
        assert abs(latitude - HERE["latitude"]) < 0.0005 and longitude > HERE["longitude"] + 0.0005
        assert visitor.text_content("#place-status") == text_in(
            language, "The marker is at the centre of the map."
        )

        visitor.select_option("[name=category]", str(lights.pk))
        visitor.fill("[name=address]", "Тверская, 7")
        visitor.fill("[name=description]", "Не горит фонарь у подъезда")
        assert no_sideways_scroll(visitor)
        with visitor.expect_navigation():
            visitor.click("#report-form button[type=submit]")
        report = Report.objects.get()
        assert (round(report.latitude, 6), round(report.longitude, 6)) == (latitude, longitude)
        assert report.address == "Тверская, 7"
    finally:
        context.close()


def test_a_refused_location_says_so_and_places_nothing(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    lights: Category,
    anna: User,
) -> None:
    context = new_context(page, "ru-RU", 390, 844)  # no geolocation permission granted
    try:
        visitor = signed_in(context, live_server.url, "anna")
        visitor.goto(f"{live_server.url}/m/{municipality.slug}/reports/new/")
        visitor.click("#my-location")
        refused = text_in(
            "ru", "You did not let the site see your location. Drag the marker, or type the address."
        )
        expect(visitor.locator("#place-status")).to_have_text(refused)
        assert visitor.input_value("[name=latitude]") == ""
        assert visitor.locator("#pick-map .leaflet-marker-icon").count() == 0
    finally:
        context.close()


@pytest.fixture
def geocoder() -> Iterator[str]:
    """A geocoder with one answer: a place inside the city and one in another city."""
    answer = [
        {"display_name": "Тверская улица, 7, Москва", "lat": "55.7601", "lon": "37.6101"},
        {"display_name": "Невский проспект, Петербург", "lat": "59.93", "lon": "30.33"},
    ]
    with local_service(json.dumps(answer).encode()) as (url, _service):
        yield url


def test_an_address_found_by_the_geocoder_puts_the_marker_there(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    lights: Category,
    anna: User,
    geocoder: str,
) -> None:
    context = new_context(page, "ru-RU", 390, 844)
    try:
        with override_settings(VECHE_GEOCODER_URL=geocoder):
            visitor = signed_in(context, live_server.url, "anna")
            visitor.goto(f"{live_server.url}/m/{municipality.slug}/reports/new/")
            visitor.fill("[name=address]", "Тверская 7")
            visitor.press("[name=address]", "Enter")  # looks the address up, sends nothing
            offered = visitor.locator("#address-results button")
            offered.first.wait_for()
            # Only the place inside the city is offered.
            assert offered.all_text_contents() == ["Тверская улица, 7, Москва"]
            offered.first.click()
            assert visitor.input_value("[name=latitude]") == "55.760100"
            assert visitor.input_value("[name=longitude]") == "37.610100"
            assert visitor.input_value("[name=address]") == "Тверская 7"
            assert visitor.locator("#pick-map .leaflet-marker-icon").count() == 1
            assert no_sideways_scroll(visitor)
            assert not Report.objects.exists()
    finally:
        context.close()
