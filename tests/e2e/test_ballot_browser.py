"""The budgeting ballot in a real Chromium: the running total stays on screen while a resident scrolls
through a long list of projects, and it changes when they choose one.

On a 390 px phone in Russian and a 1280 px desktop in English: the total bar is inside the viewport
when the page opens and when the last project is scrolled to; ticking that project updates the sum
(grouped for the reader's language: "12 500 ₽", "12,500 ₽") and the bar's unlocalised data-spent;
the page never scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from veche.accounts.models import User
from veche.budgeting.models import BallotKind, Process, ProcessPhase
from veche.budgeting.services.setup import process_schedule
from veche.core.testing import PASSWORD

pytestmark = pytest.mark.e2e

# Enough projects, with long Russian titles, for the ballot to be several screens long on a phone.
PROJECTS = [
    (f"Благоустройство двора на улице Строителей, дом {n}: скамейки, урны и освещение", 500)
    for n in range(1, 16)
]
PROJECTS[-1] = ("Фонтан в сквере у Дома культуры", 2_500)
SCREENS = [("ru", "ru-RU", 390, 844, "2 500 ₽"), ("en", "en-US", 1280, 800, "2,500 ₽")]

IN_VIEW = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""


def spaces(text: str) -> str:
    """`text` with the no-break spaces Intl.NumberFormat groups digits with made plain."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


@pytest.mark.parametrize("screen", SCREENS, ids=[s[1] for s in SCREENS])
def test_the_total_stays_on_screen_and_follows_the_choice(
    transactional_db: None,
    live_server: Any,
    page: Any,
    make_process: Callable[..., Process],
    voter: User,
    screen: tuple[str, str, int, int, str],
) -> None:
    language, locale, width, height, fountain = screen
    process = make_process(
        ProcessPhase.VOTING, kind=BallotKind.KNAPSACK, max_projects=None, projects=PROJECTS
    )
    city = process.budgets.get(district=None)
    last = city.proposals.order_by("-id").first()
    assert last is not None

    context = page.context.browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    visitor = context.new_page()
    try:
        visitor.goto(live_server.url + reverse("accounts:login"))
        visitor.fill("#id_username", voter.username)
        visitor.fill("#id_password", PASSWORD)
        with visitor.expect_navigation():
            visitor.click("main form button[type=submit]")
        path = reverse(
            "budgeting:ballot",
            kwargs={"slug": process.municipality.slug, "process_id": process.pk, "budget_id": city.pk},
        )
        assert visitor.goto(live_server.url + path).status == 200
        assert visitor.get_attribute("html", "lang") == language

        # The page is longer than the screen, and the total is on it from the start.
        assert visitor.evaluate("document.documentElement.scrollHeight > 2 * window.innerHeight")
        assert visitor.evaluate(IN_VIEW, "#ballot-bar")
        assert spaces(visitor.inner_text("[data-total=cost]")) == "0 ₽"

        # Halfway down the list the bar is pinned to the bottom of the screen.
        middle = city.proposals.order_by("id")[len(PROJECTS) // 2]
        visitor.locator(f"#project-{middle.pk}").scroll_into_view_if_needed()
        assert visitor.evaluate(IN_VIEW, "#ballot-bar")
        bottom = visitor.evaluate("document.getElementById('ballot-bar').getBoundingClientRect().bottom")
        assert abs(bottom - height) < 2

        # Scrolled to the last project, the bar is still on screen, and choosing it updates the sum.
        visitor.locator(f"#project-{last.pk}").scroll_into_view_if_needed()
        assert visitor.evaluate("window.scrollY") > 0
        assert visitor.evaluate(IN_VIEW, "#ballot-bar")
        visitor.check(f"#project-{last.pk}")
        assert spaces(visitor.inner_text("[data-total=cost]")) == fountain
        assert visitor.get_attribute("#ballot-bar", "data-spent") == "2500"
        assert visitor.inner_text("[data-total=chosen]").strip() == "1"
        assert visitor.get_attribute("#ballot-total", "aria-live") == "polite"
        assert visitor.evaluate(IN_VIEW, "#ballot-bar")
        # The bar does not hide the project it was chosen from.
        assert visitor.evaluate(IN_VIEW, f"#project-{last.pk}")

        assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visitor.screenshot(path=f"/tmp/ballot-{width}.png")  # noqa: S108 - for a person to look at
    finally:
        context.close()


def test_the_process_page_s_timetable_fits_a_360_px_phone(
    transactional_db: None,
    live_server: Any,
    page: Any,
    make_process: Callable[..., Process],
    municipal_admin: User,
) -> None:
    process = make_process(ProcessPhase.VOTING, kind=BallotKind.KNAPSACK, max_projects=None)
    process = process_schedule(
        actor=municipal_admin,
        process=process,
        dates={
            "proposals_opens_at": datetime(2026, 11, 1, 6, tzinfo=UTC),
            "proposals_closes_at": datetime(2026, 11, 15, 21, tzinfo=UTC),
            "voting_opens_at": datetime(2026, 12, 1, 6, tzinfo=UTC),
            "voting_closes_at": datetime(2030, 12, 14, 17, tzinfo=UTC),
            "results_at": datetime(2030, 12, 20, 9, tzinfo=UTC),
        },
    )
    context = page.context.browser.new_context(locale="ru-RU", viewport={"width": 360, "height": 740})
    visitor = context.new_page()
    try:
        path = reverse(
            "budgeting:process", kwargs={"slug": process.municipality.slug, "process_id": process.pk}
        )
        assert visitor.goto(live_server.url + path).status == 200
        assert visitor.locator("#timetable").is_visible()
        assert "14 декабря 2030, 20:00" in visitor.inner_text("#timetable")
        assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visitor.click("#how-counted > summary")
        assert "Метод равных долей" in visitor.inner_text("#how-counted")
        assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        visitor.screenshot(path="/tmp/process-360.png", full_page=True)  # noqa: S108 - for a person
    finally:
        context.close()
