"""A resident's pages of opinion mapping in a real Chromium, in both settings of the walks (Russian on
a 390 px phone, English on a 1280 px desktop): the list, a deliberation's page, answering on the card
(htmx swaps it for the next statement), a statement refused at its field, the crowd project's
section, and the page as a signed-out visitor sees it. Every page and swap passes `check_page`;
screenshots go to /tmp/deliberation/ for a person to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import Walk, check_page
from veche.accounts.models import User
from veche.deliberation.models import Statement, Vote
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, project_deliberation
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/deliberation"  # noqa: S108 - screenshots for a person to look at


def _shot(walk: Walk, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    walk.page.screenshot(path=f"{SHOTS}/{name}-{walk.setting}.png", full_page=True)


def test_a_resident_answers_and_adds_a_statement(
    walk: Walk, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    admin = make_user("cityadmin", role="admin", municipality=municipality)
    resident = make_user("resident")
    deliberation = open_deliberation(admin, municipality, statements=SEEDS)
    project = project_deliberation(admin, municipality)
    base = f"/m/{municipality.slug}/deliberations/"
    page = f"{base}{deliberation.pk}/"

    walk.as_(None)
    walk.open(page)
    expect(walk.link("Sign in to answer")).to_be_visible()
    _shot(walk, "signed-out")

    walk.as_(resident)
    walk.open(base)
    _shot(walk, "list")
    walk.press(walk.page.get_by_role("link", name=deliberation.title))
    assert walk.url == page
    card = walk.page.locator("#card")
    for answered in range(1, 3):
        before = card.locator("blockquote").get_attribute("data-statement")
        walk.button("Agree", card).click()
        expect(card.locator(f'blockquote:not([data-statement="{before}"])')).to_be_visible()
        expect(walk.page.locator("#answers .card")).to_have_count(answered)
        check_page(walk.page)
    assert Vote.objects.filter(participant__user=resident).count() == 2
    _shot(walk, "page")

    walk.page.fill("#id_text", "Нужны **фонтаны**")
    walk.press("Add the statement")
    expect(walk.page.locator("#add .error")).to_contain_text(
        walk._("Plain text only: no HTML, links in brackets or formatting marks.")
    )
    counter = walk.page.locator("#statement-limit .counter")
    expect(counter).to_have_text(re.compile(r"\d+"))
    _shot(walk, "errors")
    walk.page.fill("#id_text", "Нужны фонтаны у реки")
    walk.press("Add the statement")
    expect(walk.page.locator(".messages")).to_contain_text(
        walk._("Thank you: your statement will be shown once a moderator accepts it.")
    )
    assert Statement.objects.filter(text="Нужны фонтаны у реки", status="pending").exists()

    walk.open(f"/m/{municipality.slug}/projects/{project.project.pk}/")
    section = walk.page.locator("#deliberation")
    expect(walk.link("Take part", section)).to_be_visible()
    section.scroll_into_view_if_needed()
    _shot(walk, "project")
