"""axe-core's accessibility checks (WCAG 2.0 A and AA, WCAG 2.1 AA) on the main pages in a real
Chromium, in Russian on a phone (390x844) and in English on a desktop (1280x800): no page has a
violation of impact "serious" or "critical".

axe runs as in every browser walk (tests/e2e/helpers.py, `axe_problems`). One data set serves both
languages; each language and width has one browser context, signed in as a resident and then as an
official by their session cookies (`sign_in`). The
map's tile requests are refused (the tiles are not the site's). Besides axe's rules: every id that
aria-describedby, aria-labelledby and label[for] name is on the page, and tabbing through the
sign-in page shows each focused element a ring of 3:1 contrast (WCAG 2.4.7, 1.4.11); the focused
link and button are photographed into /tmp/a11y/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.helpers import axe_problems, sign_in
from veche.accounts.models import User
from veche.appeals.services import appeal_create
from veche.budgeting.models import BallotKind, Process
from veche.budgeting.tests.helpers import city_budget
from veche.initiatives.services import initiative_create
from veche.municipalities.models import Municipality
from veche.polls.models import Poll
from veche.reports.models import Report

pytestmark = pytest.mark.e2e
SCREENS = [("ru", "ru-RU", 390, 844), ("en", "en-GB", 1280, 800)]
# Ids that an element names and the page lacks (axe leaves these "incomplete", not violations).
MISSING_IDS = """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')]
  .flatMap(e => ['aria-describedby', 'aria-labelledby', 'for']
    .flatMap(a => (e.getAttribute(a) || '').split(/\\s+/).filter(id => id && !document.getElementById(id))
      .map(id => `<${e.tagName.toLowerCase()} id="${e.id}"> ${a}="${id}"`)))"""
# The focused element's outline, and the colour of the page behind it.
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), type: e.type || '', inMain: !!e.closest('main'),
          text: (e.innerText || e.value || '').trim().slice(0, 40), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), colour: s.outlineColor,
          page: getComputedStyle(document.body).backgroundColor};
}"""


@dataclass
class City:
    municipality: Municipality
    report: Report
    appeal_id: int
    initiative_id: int
    poll_id: int
    process_id: int
    budget_id: int
    resident: User
    official: User


@pytest.fixture
def city(
    municipality: Municipality,
    make_user: Callable[..., User],
    official: User,
    routed: Callable[..., Report],
    make_poll: Callable[..., Poll],
    make_process: Callable[..., Process],
) -> City:
    """Something on every main page: a public report, an appeal, an initiative, an open poll with
    live results, a knapsack budget process in voting (the shared fixtures' city-wide projects)."""
    resident = make_user("anna", verified_in=municipality)
    author = make_user("author", verified_in=municipality)
    appeal = appeal_create(
        author=author, municipality=municipality, title="Верните автобус 12", body="Автобус нужен людям."
    )
    initiative = initiative_create(
        author=author, municipality=municipality, title="Велодорожка", body="Разметить полосу.", publish=True
    )
    process = make_process(kind=BallotKind.KNAPSACK, max_projects=None)
    return City(
        municipality=municipality,
        report=routed(author),
        appeal_id=appeal.pk,
        initiative_id=initiative.pk,
        poll_id=make_poll("Какой парк благоустроить первым?", live_results=True).pk,
        process_id=process.pk,
        budget_id=city_budget(process).pk,
        resident=resident,
        official=official,
    )


def pages(city: City) -> dict[User | None, list[str]]:
    """The pages to check, by who looks at them (None: a visitor not signed in)."""
    m = f"/m/{city.municipality.slug}"
    return {
        None: [
            f"{m}/",
            f"{m}/reports/",
            f"{m}/reports/{city.report.pk}/",
            f"{m}/reports/map/",
            f"{m}/appeals/",
            f"{m}/appeals/{city.appeal_id}/",
            f"{m}/initiatives/",
            f"{m}/initiatives/{city.initiative_id}/",
            f"{m}/polls/",
            f"{m}/polls/{city.poll_id}/results/",
            f"{m}/budgets/",
            f"{m}/budgets/{city.process_id}/",
            "/accounts/login/",
            "/accounts/signup/",
        ],
        city.resident: [
            f"{m}/reports/new/",
            f"{m}/polls/{city.poll_id}/",
            f"{m}/budgets/{city.process_id}/{city.budget_id}/ballot/",
        ],
        city.official: [f"{m}/staff/", f"{m}/staff/reports/"],
    }


def luminance(css: str) -> float:
    """The relative luminance (WCAG 2) of a computed CSS colour, `rgb(r, g, b)`."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def walk_focus(visitor: Any, shots: str) -> list[str]:
    """Tab through the page until a link and a button of the main content had the focus; each
    focused element must show an outline of at least 2px with 3:1 contrast against the page. The
    first link and button of the main content are photographed with their ring, into `shots`."""
    problems: list[str] = []
    seen: set[str] = set()
    for _ in range(40):
        visitor.keyboard.press("Tab")
        focused = visitor.evaluate(FOCUSED)
        ratio = contrast(focused["colour"], focused["page"])
        if focused["outline"] == "none" or focused["width"] < 2 or ratio < 3:
            problems.append(
                f"focus ring of <{focused['tag']}> {focused['text']!r}: {focused} ({ratio:.1f}:1)"
            )
        kind = "button" if focused["tag"] == "button" or focused["type"] == "submit" else focused["tag"]
        if focused["inMain"] and kind in ("a", "button") and kind not in seen:
            seen.add(kind)
            visitor.screenshot(path=f"{shots}-{kind}.png")
        if seen == {"a", "button"}:
            return problems
    return [*problems, f"40 tabs reached no link and button of the main content (got {sorted(seen)})"]


def check_screen(browser: Any, base: str, city: City, screen: tuple[str, str, int, int]) -> list[str]:
    """Run axe on every page of `pages` in one browser context of the screen's language and size,
    then walk the focus on the sign-in page: what is wrong."""
    language, locale, width, height = screen
    found: list[str] = []
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    # The map's tiles are not the site's: no picture is needed to check the page around them.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    try:
        visitor = context.new_page()
        for user, paths in pages(city).items():
            sign_in(context, base, user)
            who = user.username if user else "visitor"
            for path in paths:
                answer = visitor.goto(base + path)
                assert answer is not None and answer.status == 200, (path, answer and answer.status)
                assert visitor.get_attribute("html", "lang") == language, path
                where = f"{language} {width}px {who} {path}"
                found += [f"{where}: {line}" for line in axe_problems(visitor)]
                found += [f"{where}: missing id {m}" for m in visitor.evaluate(MISSING_IDS)]
        sign_in(context, base, None)
        visitor.goto(base + "/accounts/login/")
        shots = f"/tmp/a11y/focus-{language}-{width}"  # noqa: S108
        os.makedirs(os.path.dirname(shots), exist_ok=True)
        found += [f"{language} {width}px /accounts/login/: {p}" for p in walk_focus(visitor, shots)]
    finally:
        context.close()
    return found


def test_the_main_pages_have_no_serious_accessibility_violations_in_both_languages(
    transactional_db: None, live_server: Any, page: Any, city: City
) -> None:
    found: list[str] = []
    for screen in SCREENS:
        found += check_screen(page.context.browser, live_server.url, city, screen)
    assert not found, "serious or critical accessibility violations:\n" + "\n".join(found)
