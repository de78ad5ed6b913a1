"""Possible duplicates in a real Chromium: a resident choosing the category and the place of a new
report next to an open one sees it at once, says "Me too" without leaving the form, and what they
typed stays; then sending files the new report without asking again (they saw the candidate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.helpers import check_page
from veche.accounts.models import User
from veche.core.testing import text_in
from veche.municipalities.models import Category, Municipality
from veche.reports.models import Report, ReportSupport

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"
SCREENS = [("ru", "ru-RU", 390, 844), ("en", "en-US", 1280, 900)]
TYPED = "Не горит фонарь у третьего подъезда"


def signed_in_page(
    page: Any, base: str, screen: tuple[str, str, int, int], username: str, *, script: bool = True
) -> Any:
    _language, locale, width, height = screen
    context = page.context.browser.new_context(
        locale=locale, viewport={"width": width, "height": height}, java_script_enabled=script
    )
    context.set_default_timeout(15_000)
    # The map's tiles are not the site's: a blank answer keeps the test off the network.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=b""))
    fresh = context.new_page()
    fresh.goto(base + reverse("accounts:login"))
    fresh.fill("#id_username", username)
    fresh.fill("#id_password", PASSWORD)
    with fresh.expect_navigation():
        fresh.click("main form button[type=submit]")
    return fresh


def place_at(page: Any, latitude: str, longitude: str) -> None:
    """Put the point where the map would (the coordinates may be an advanced option folded away),
    and tell the page as the map does."""
    page.evaluate(
        """([lat, lon]) => {
            const form = document.getElementById("report-form");
            form.elements.latitude.value = lat;
            form.elements.longitude.value = lon;
            document.dispatchEvent(new CustomEvent("report:placed"));
        }""",
        [latitude, longitude],
    )


@pytest.mark.parametrize("screen", SCREENS, ids=[s[1] for s in SCREENS])
def test_a_resident_says_me_too_in_place_and_keeps_what_they_typed(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
    lights: Category,
    routed: Callable[..., Report],
    screen: tuple[str, str, int, int],
) -> None:
    language = screen[0]
    base, slug = live_server.url, municipality.slug
    existing = routed(make_user("neighbour"), latitude=55.75, longitude=37.61, description="Темно во дворе")
    anna = make_user("anna")
    page = signed_in_page(page, base, screen, "anna")
    page.goto(f"{base}/m/{slug}/reports/new/")

    page.fill("#id_description", TYPED)
    page.select_option("#id_category", str(lights.pk))
    place_at(page, "55.75015", "37.61")  # some 17 m from the open report

    box = page.locator("#nearby")
    box.get_by_text(text_in(language, "Someone may have reported this already.")).wait_for()
    link = box.locator(f'a[href="/m/{slug}/reports/{existing.pk}/"]')
    assert link.get_attribute("target") == "_blank"
    # The box comes right after the category and the place, before the description.
    order = page.evaluate(
        """() => {
            const at = (el) => el.getBoundingClientRect().top;
            return [at(document.getElementById("id_category")), at(document.getElementById("nearby")),
                    at(document.getElementById("id_description"))];
        }"""
    )
    assert order[0] < order[1] < order[2], order
    check_page(page)  # with the box shown: no sideways scroll, no serious axe violation

    address = page.url
    box.get_by_role("button", name=text_in(language, "Me too")).click()
    box.get_by_text(text_in(language, "You support this report.")).wait_for()

    assert page.url == address  # still the form
    assert page.input_value("#id_description") == TYPED
    assert ReportSupport.objects.filter(report=existing, user=anna).exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
        "document.documentElement.scrollWidth"
    )

    # The resident saw the candidate, so sending files the report without a step that asks again.
    with page.expect_navigation():
        page.click("#report-form button[type=submit]:not([form])")
    mine = Report.objects.get(author=anna)
    assert page.url == f"{base}/m/{slug}/reports/{mine.pk}/", page.url
    assert mine.description == TYPED


def test_without_javascript_a_step_asks_first_and_me_too_or_send_both_work(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
    lights: Category,
    routed: Callable[..., Report],
) -> None:
    screen = SCREENS[0]
    base, slug = live_server.url, municipality.slug
    existing = routed(make_user("neighbour"), latitude=55.75, longitude=37.61, description="Темно во дворе")
    anna = make_user("anna")
    page = signed_in_page(page, base, screen, "anna", script=False)

    def fill_and_send() -> None:
        page.goto(f"{base}/m/{slug}/reports/new/")
        page.select_option("#id_category", str(lights.pk))
        page.click("#coordinates summary")  # without a script there is no map: the coordinates are typed
        page.fill("#id_latitude", "55.75015")
        page.fill("#id_longitude", "37.61")
        page.fill("#id_address", "Тверская, 1")
        page.fill("#id_description", TYPED)
        with page.expect_navigation():
            page.click("#report-form button[type=submit]:not([form])")

    fill_and_send()
    assert page.get_by_role("button", name=text_in("ru", "No, mine is different — send it")).is_visible()
    assert page.input_value("#id_description") == TYPED
    assert not Report.objects.filter(author=anna).exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # "Me too" goes to the report, supported.
    with page.expect_navigation():
        page.locator("#nearby").get_by_role("button", name=text_in("ru", "Me too")).click()
    assert page.url == f"{base}/m/{slug}/reports/{existing.pk}/", page.url
    assert ReportSupport.objects.filter(report=existing, user=anna).exists()

    # Or the resident says theirs is different; Enter in a field sends the report, not a candidate's button.
    fill_and_send()
    with page.expect_navigation():
        page.press("#id_address", "Enter")
    mine = Report.objects.get(author=anna)
    assert page.url == f"{base}/m/{slug}/reports/{mine.pk}/", page.url
    assert mine.description == TYPED
