"""A problem report's whole life in a real Chromium: a resident files it, a moderator passes it,
an official answers it in the workspace, the resident confirms the fix and the report closes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from veche.accounts.models import User
from veche.core.testing import text_in
from veche.municipalities.models import Category, Membership, Municipality
from veche.reports.models import Report, ReportEvent, Status

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"


def photo_file(tmp_path: Any) -> str:
    path = tmp_path / "pothole.jpg"
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 110, 100)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def log_in(page: Any, base: str, username: str) -> Any:
    """A page of a fresh browser context (its own cookies), signed in as `username`."""
    context = page.context.browser.new_context(locale="ru-RU", viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    fresh = context.new_page()
    fresh.goto(base + "/accounts/login/")
    fresh.fill("#id_username", username)
    fresh.fill("#id_password", PASSWORD)
    with fresh.expect_navigation():
        fresh.click("main form button[type=submit]")
    assert fresh.url == base + "/", fresh.url
    return fresh


def press(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_report_goes_from_the_resident_through_the_workspace_to_closure(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
    tmp_path: Any,
) -> None:
    base = live_server.url
    slug = municipality.slug
    make_user("anna")
    make_user("moderator", role=Membership.Role.MODERATOR, municipality=municipality)
    make_user("official", role=Membership.Role.OFFICIAL, municipality=municipality)
    pothole = Category.objects.get(municipality=municipality, slug="pothole")  # needs a photo

    # The resident files the report, with a photo, at a place typed into the coordinates.
    page = log_in(page, base, "anna")
    page.goto(f"{base}/m/{slug}/reports/new/")
    page.select_option("#id_category", str(pothole.pk))
    page.fill("#id_latitude", "55.7601")
    page.fill("#id_longitude", "37.6201")
    page.fill("#id_address", "ул. Тверская, 7")
    page.fill("#id_description", "Глубокая яма у перехода")
    page.set_input_files("#id_photos", photo_file(tmp_path))
    press(page, "#report-form button[type=submit]")
    report = Report.objects.get()
    assert page.url == f"{base}/m/{slug}/reports/{report.pk}/", page.url
    assert (report.status, report.photos.count()) == (Status.SUBMITTED, 1)

    # The moderator passes it; it goes to the roads department.
    page = log_in(page, base, "moderator")
    page.goto(f"{base}/m/{slug}/staff/reports/?status=submitted")
    press(page, f"main a[href='/m/{slug}/reports/{report.pk}/']")
    press(page, f"form[action$='/reports/{report.pk}/moderate/'] button")
    report.refresh_from_db()
    assert report.status == Status.ROUTED

    # The official finds it in the department's queue, takes it into work and answers with a photo.
    page = log_in(page, base, "official")
    page.goto(f"{base}/m/{slug}/staff/reports/")
    press(page, f"main a[href='/m/{slug}/reports/{report.pk}/']")
    press(page, f"form[action$='/reports/{report.pk}/start/'] button")
    page.fill("#answer-form textarea[name=note]", "Яму заделали, спасибо")
    page.set_input_files("#answer-form input[name=photos]", photo_file(tmp_path))
    press(page, "#answer-form button[type=submit]:not([formaction])")
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.photos.filter(kind="answer").count() == 1

    # The resident sees the answer and confirms the fix; the report closes.
    page = log_in(page, base, "anna")
    page.goto(f"{base}/m/{slug}/reports/{report.pk}/")
    assert "Яму заделали, спасибо" in page.locator("section.answer").inner_text()
    press(page, f"form[action$='/reports/{report.pk}/confirm/'] button")
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    kinds = list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == ["submitted", "moderated", "routed", "started", "resolved", "confirmed"]
    history = page.locator("ol.history").inner_text()
    assert text_in("ru", "confirmed by the author") in history
    page.screenshot(path="/tmp/e2e-report.png", full_page=True)  # noqa: S108
