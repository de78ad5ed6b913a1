"""A problem report's whole life in a real Chromium, in Russian on a phone and in English on a desktop:
a resident files it, a moderator passes it, an official answers it in the workspace, the resident
confirms the fix and the report closes. Every page on the way is checked (tests/e2e/helpers.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from tests.e2e.helpers import Walk
from veche.accounts.models import User
from veche.municipalities.models import Category, Membership, Municipality
from veche.reports.models import Report, ReportEvent, Status

pytestmark = pytest.mark.e2e


def photo_file(tmp_path: Any) -> str:
    path = tmp_path / "pothole.jpg"
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 110, 100)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def type_the_place(walk: Walk, latitude: str, longitude: str) -> None:
    """Type the coordinates, unfolding them first where the form keeps them folded away."""
    page = walk.page
    folded = page.locator("details:has([name=latitude])")
    if folded.count() and folded.first.get_attribute("open") is None:
        folded.first.locator("summary").click()
    page.fill("[name=latitude]", latitude)
    page.fill("[name=longitude]", longitude)


def test_a_report_goes_from_the_resident_through_the_workspace_to_closure(
    walk: Walk,
    municipality: Municipality,
    make_user: Callable[..., User],
    tmp_path: Any,
) -> None:
    page, slug = walk.page, municipality.slug
    anna = make_user("anna")
    moderator = make_user("moderator", role=Membership.Role.MODERATOR, municipality=municipality)
    official = make_user("official", role=Membership.Role.OFFICIAL, municipality=municipality)
    pothole = Category.objects.get(municipality=municipality, slug="pothole")  # needs a photo

    # The resident files the report, with a photo, at a place typed into the coordinates.
    walk.as_(anna)
    walk.open(f"/m/{slug}/reports/new/")
    page.select_option("[name=category]", str(pothole.pk))
    type_the_place(walk, "55.7601", "37.6201")
    page.fill("[name=address]", "ул. Тверская, 7")
    page.get_by_label(walk._("Describe the problem")).fill("Глубокая яма у перехода")
    page.set_input_files("[name=photos]", photo_file(tmp_path))
    walk.press("Send the report")
    report = Report.objects.get()
    assert walk.url == f"/m/{slug}/reports/{report.pk}/"
    assert (report.status, report.photos.count()) == (Status.SUBMITTED, 1)

    # The moderator finds it in the workspace and passes it; it goes to the roads department.
    walk.as_(moderator)
    walk.open(f"/m/{slug}/staff/reports/?status=submitted")
    walk.press(page.locator(f"main a[href='/m/{slug}/reports/{report.pk}/']").first)
    walk.press("Pass moderation")
    report.refresh_from_db()
    assert report.status == Status.ROUTED

    # The official finds it in the department's queue, takes it into work and answers with a photo.
    walk.as_(official)
    walk.open(f"/m/{slug}/staff/reports/")
    walk.press(page.locator(f"main a[href='/m/{slug}/reports/{report.pk}/']").first)
    walk.press("Take into work")
    answer = page.locator("#answer-form")
    answer.get_by_label(walk._("Answer to the resident")).fill("Яму заделали, спасибо")
    answer.locator("input[name=photos]").set_input_files(photo_file(tmp_path))
    walk.press(walk.button("Resolved", within=answer))
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.photos.filter(kind="answer").count() == 1

    # The resident sees the answer and confirms the fix; the report closes.
    walk.as_(anna)
    walk.open(f"/m/{slug}/reports/{report.pk}/")
    assert "Яму заделали, спасибо" in page.locator("section.answer").inner_text()
    walk.press("The problem is solved")
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    kinds = list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == ["submitted", "moderated", "routed", "started", "resolved", "confirmed"]
    assert walk._("confirmed by the author") in page.locator("ol.history").inner_text()

    # The fix is the resident's first: the profile shows the badge, whose page says how it is earned.
    walk.open("/accounts/profile/")
    badge_name = "Первое исправление" if walk.language == "ru" else "First report fixed"
    badge = page.locator("#recognition").get_by_role("link", name=badge_name)
    walk.press(badge)
    assert walk.url == f"/m/{slug}/badges/first-fix/"
    earned = walk.count(
        "Earned when %(n)d of your problem reports is fixed.",
        "Earned when %(n)d of your problem reports are fixed.",
        1,
    )
    assert earned in page.locator("main").inner_text()
    page.screenshot(path=f"/tmp/e2e-report-{walk.setting}.png", full_page=True)  # noqa: S108
