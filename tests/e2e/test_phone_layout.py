"""The main pages on a 360 px phone in Russian and on a 1280 px desktop in English, in a real Chromium.

For every page: nothing is wider than the screen. On the phone, besides: the header is compact (at
most 64 px high, its links folded behind "Menu") and every button, button-like link, menu link and
checkbox or radio label is a touch target of at least 44x44 px. Inline links in running text are
exempt (WCAG 2.5.8), and so are the map's own controls (Leaflet's zoom buttons and attribution).

One data set serves every page and both screens: a city with a few reports, an appeal, an
initiative, a poll with a vote and one without, a budget process open for voting and another one counted.
Screenshots go to /tmp/phone/ (whole pages on the phone, the first screen on the desktop).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from veche.accounts.models import User, Verification
from veche.appeals.services import appeal_create
from veche.budgeting.models import BallotKind, Process, ProcessPhase
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.setup import process_move
from veche.initiatives.services import initiative_create
from veche.municipalities.models import Municipality
from veche.polls.models import Poll
from veche.polls.services import poll_vote
from veche.reports.selectors import public_reports

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"
SHOTS = "/tmp/phone"  # noqa: S108 - screenshots for a person to look at
PHONE = ("ru", "ru-RU", 360, 740)
DESKTOP = ("en", "en-GB", 1280, 800)
HEADER_MAX = 64
TARGET_MIN = 44

# What a person taps: buttons, links that look like buttons, the menu's links, form fields, checkbox
# and radio labels. Inline links in running text are exempt (WCAG 2.5.8), as are Leaflet's controls.
TARGETS = """() => {
  const seen = new Set(), small = [];
  const visible = (el) => {
    // checkVisibility: not in a closed <details>, not display:none, not visibility:hidden.
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && el.checkVisibility({visibilityProperty: true});
  };
  const check = (el, what) => {
    if (seen.has(el) || !visible(el) || el.closest(".leaflet-container")) return;
    seen.add(el);
    const box = el.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) {
      const text = (el.textContent || el.value || el.id || el.name || "").trim().slice(0, 40);
      small.push(`${what} "${text}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  };
  const fields = "select, textarea, input:not([type=checkbox]):not([type=radio]):not([type=hidden])";
  const taps = "button, a.button, input[type=submit], summary, .menu-panel a";
  document.querySelectorAll(`${taps}, ${fields}`).forEach((el) => check(el, el.tagName.toLowerCase()));
  document.querySelectorAll("input[type=checkbox], input[type=radio]").forEach((input) => {
    if (!visible(input)) return;
    const label = input.closest("label") || (input.labels && input.labels[0]);
    check(label || input, label ? "label" : "bare " + input.type);
  });
  return small;
}"""


# The projects of both budgets: long Russian titles, three that fit the city's budget together but one.
PROJECTS = [
    ("Скамейки и урны вдоль набережной Москвы-реки", 3_000),
    ("Фонтан в сквере у Дома культуры", 6_000),
    ("Деревья и кустарники во дворах Северного района", 2_500),
]


def verified_anna(make_user: Callable[..., User], municipality: Municipality) -> User:
    anna = make_user("anna")
    Verification.objects.create(
        user=anna,
        municipality=municipality,
        district=municipality.districts.get(slug="d1"),
        provider=Verification.Provider.IN_PERSON,
    )
    return anna


def the_city(
    make_user: Callable[..., User],
    municipality: Municipality,
    admin: User,
    make_poll: Callable[..., Poll],
    make_process: Callable[..., Process],
) -> dict[str, str]:
    """Fill the city once; answer the paths of the pages to visit, by name."""
    slug = municipality.slug
    anna = verified_anna(make_user, municipality)
    call_command("seed-reports", count=30, municipality=slug, stdout=io.StringIO())
    report = public_reports(municipality).order_by("-pk").first()
    assert report is not None
    appeal = appeal_create(
        author=anna,
        municipality=municipality,
        title="Вернуть остановку автобуса 15 у поликлиники на улице Академика Королёва",
        body="Остановку перенесли на 600 метров, пожилым людям до поликлиники теперь далеко.",
    )
    initiative = initiative_create(
        author=anna,
        municipality=municipality,
        title="Защищённая велодорожка вдоль реки от моста до парка",
        body="Разметить полосу и поставить столбики.",
        publish=True,
    )
    poll = make_poll(
        "Какой парк благоустроить первым в следующем году?",
        options=["Парк Горького", "Сокольники", "Измайловский парк культуры и отдыха"],
        kind="multiple",
        max_choices=2,
        live_results=True,
    )
    unvoted = make_poll(
        "Нужен ли второй пешеходный переход у школы?",
        options=["Да", "Нет", "Нужен светофор на существующем переходе"],
        lasts=timedelta(days=7),
    )
    options = list(poll.options.order_by("position"))
    vote_receipt = poll_vote(user=anna, poll=poll, options=[options[0].pk])
    voting = make_process(kind=BallotKind.KNAPSACK, max_projects=None, projects=PROJECTS)
    counted = make_process(kind=BallotKind.KNAPSACK, max_projects=None, projects=PROJECTS)
    counted_city = counted.budgets.get(district=None)
    ballot_cast(
        user=anna, budget=counted_city, choices=[{"proposal": p.pk} for p in counted_city.proposals.all()[:2]]
    )
    counted = process_move(actor=admin, process=counted, to=ProcessPhase.COUNTING)
    budget_count(actor=admin, budget=counted_city)
    process_move(actor=admin, process=counted, to=ProcessPhase.RESULTS)
    city = voting.budgets.get(district=None)
    m = {"slug": slug}
    return {
        "city": reverse("municipality", kwargs=m),
        "reports": reverse("reports:list", kwargs=m),
        "report": reverse("reports:detail", kwargs={**m, "report_id": report.pk}),
        "report-form": reverse("reports:new", kwargs=m),
        "map": reverse("reports:map", kwargs=m),
        "appeals": reverse("appeals:list", kwargs=m),
        "appeal": reverse("appeals:detail", kwargs={**m, "petition_id": appeal.pk}),
        "initiatives": reverse("initiatives:list", kwargs=m),
        "initiative": reverse("initiatives:detail", kwargs={**m, "petition_id": initiative.pk}),
        "polls": reverse("polls:list", kwargs=m),
        "poll": reverse("polls:detail", kwargs={**m, "poll_id": poll.pk}),
        "poll-form": reverse("polls:detail", kwargs={**m, "poll_id": unvoted.pk}),
        "poll-results": reverse("polls:results", kwargs={**m, "poll_id": poll.pk}),
        "budget": reverse("budgeting:process", kwargs={**m, "process_id": voting.pk}),
        "ballot": reverse("budgeting:ballot", kwargs={**m, "process_id": voting.pk, "budget_id": city.pk}),
        "budget-results": reverse(
            "budgeting:results", kwargs={**m, "process_id": counted.pk, "budget_id": counted_city.pk}
        ),
        "profile": reverse("accounts:profile"),
        "activity": reverse("accounts:activity"),
        "receipt-check": f"{reverse('ledger:check')}?receipt={vote_receipt.entry_hash}",
        "notifications": reverse("notifications"),
        "login": reverse("accounts:login"),
        "signup": reverse("accounts:signup"),
        # The staff's pages, seen by the city's admin.
        "staff": reverse("staff_home", kwargs=m),
        "workspace": reverse("reports_workspace", kwargs=m),
        "staff-budget": reverse("budgeting_staff:process", kwargs={**m, "process_id": voting.pk}),
        "staff-budgets": reverse("budgeting_staff:list", kwargs=m),
        "staff-polls": reverse("polls_staff:list", kwargs=m),
        "staff-categories": reverse("staff_list", kwargs={**m, "kind": "categories"}),
        "staff-audit": reverse("staff_audit", kwargs=m),
        "moderation": reverse("moderation_queue", kwargs=m),
    }


STAFF_PAGES = {
    "staff",
    "workspace",
    "moderation",
    "staff-audit",
    "staff-budget",
    "staff-budgets",
    "staff-categories",
    "staff-polls",
}
ANONYMOUS_PAGES = {"login", "signup"}


def browse(browser: Any, base: str, screen: tuple[str, str, int, int], username: str | None) -> Any:
    language, locale, width, height = screen
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    # The map's tiles are not the site's: a blank answer keeps the test off the network.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    if username:
        page.goto(base + reverse("accounts:login"))
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    return page


def problems_of(page: Any, name: str, phone: bool) -> list[str]:
    found = []
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        wide = page.evaluate("document.documentElement.scrollWidth")
        found.append(f"{name}: {wide} px wide")
    if phone:
        header = page.locator("header.site-header").bounding_box()
        if header["height"] > HEADER_MAX:
            found.append(f"{name}: header {header['height']:.0f} px high")
        found += [f"{name}: {small}" for small in page.evaluate(TARGETS)]
    return found


def test_the_main_pages_fit_a_phone_in_russian_and_a_desktop_in_english(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
    municipal_admin: User,
    make_poll: Callable[..., Poll],
    make_process: Callable[..., Process],
) -> None:
    paths = the_city(make_user, municipality, municipal_admin, make_poll, make_process)
    os.makedirs(SHOTS, exist_ok=True)
    problems: list[str] = []
    for screen in (PHONE, DESKTOP):
        language, _, width, _ = screen
        phone = screen is PHONE
        for username, names in (
            (None, ANONYMOUS_PAGES),
            ("anna", set(paths) - STAFF_PAGES - ANONYMOUS_PAGES),
            ("cityadmin", STAFF_PAGES),
        ):
            visitor = browse(page.context.browser, live_server.url, screen, username)
            try:
                for name in sorted(names):
                    answer = visitor.goto(live_server.url + paths[name])
                    assert answer.status == 200, (name, answer.status)
                    assert visitor.get_attribute("html", "lang") == language
                    problems += [f"{language} {width}: {p}" for p in problems_of(visitor, name, phone)]
                    visitor.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=phone)
                if phone and username == "anna":
                    # The menu opens without a script and its links are touch-sized.
                    visitor.click("header .menu > summary")
                    problems += [f"{language} {width}: {p}" for p in problems_of(visitor, "open menu", phone)]
                    visitor.screenshot(path=f"{SHOTS}/menu-{width}.png")
            finally:
                visitor.context.close()
    assert not problems, "\n".join(problems)
