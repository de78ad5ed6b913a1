"""Issue 13's walk in a real Chromium ("Done when"), Russian on a 390 px phone and English on a 1280 px
desktop: a signed-in resident opens a published open deliberation (the organiser's statements, and
sixty other participants' votes in two planted opinion groups), adds a statement (a moderator accepts
it on the staff statements page), answers every statement one at a time with Agree, Disagree and Pass
(the card changes each time, each answer is stored once), changes one answer, and once the map is
recomputed sees their group on the deliberation's page and, through "See the opinion map", on the
map: "You are in group X.", their marker in the picture and the groups table. Every page and swap
passes `check_page` (tests/e2e/helpers.py). Then answers without JavaScript: the plain form posts and
the page comes back with the next statement (no `check_page` there: axe and the width check run as
scripts, which such a page never runs; the HTML is the walk's). Screenshots go to /tmp/e2e-delib/."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import RUSSIAN_PHONE, TIMEOUT_MS, Walk, check_page, sign_in
from veche.accounts.models import User
from veche.deliberation.engine import synthetic
from veche.deliberation.map_selectors import letter
from veche.deliberation.models import Deliberation, Participant, Statement, StatementStatus, Vote
from veche.deliberation.services import map_recompute
from veche.deliberation.tests.helpers import SEEDS, open_deliberation
from veche.municipalities.models import Membership, Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/e2e-delib"  # noqa: S108 - screenshots for a person to look at
ORGANISERS = (*SEEDS, "Нужно сохранить старые деревья")
MINE = "У воды нужны питьевые фонтанчики"
ANSWERS = ("Agree", "Disagree", "Pass")
VALUE = {"Agree": 1, "Disagree": -1, "Pass": 0}


def shot(page: Any, name: str, setting: object) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}-{setting}.png", full_page=True)


def others_vote(deliberation: Deliberation, *, participants: int = 60, seed: int = 3) -> None:
    """`participants` people without accounts answer every statement shown now, in two planted opinion
    groups (the engine's `planted_conversation`), written as bulk rows numbered after the deliberation's
    participants; the vote serial rises as the votes would have raised it."""
    statements = list(
        Statement.objects.filter(deliberation=deliberation, status="accepted").order_by("number")
    )
    votes, _truth = synthetic.planted_conversation(
        participants=participants,
        statements=len(statements),
        votes_per_participant=len(statements),
        groups=2,
        seed=seed,
    )
    deliberation.refresh_from_db()
    first, now = deliberation.last_participant + 1, timezone.now()
    people = Participant.objects.bulk_create(
        Participant(deliberation=deliberation, number=first + int(p), created_at=now)
        for p in votes.participants.tolist()
    )
    Vote.objects.bulk_create(
        Vote(
            deliberation=deliberation,
            participant=people[r],
            statement=statements[c],
            value=v,
            created_at=now,
            updated_at=now,
        )
        for r, c, v in zip(votes.rows.tolist(), votes.cols.tolist(), votes.values.tolist(), strict=True)
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(
        last_participant=first + participants - 1, vote_serial=deliberation.vote_serial + len(votes)
    )


def test_a_resident_adds_a_statement_answers_and_finds_their_group(
    walk: Walk, municipality: Municipality, make_user: Callable[..., User], moderator: User
) -> None:
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    resident = make_user("resident")
    deliberation = open_deliberation(admin, municipality, statements=ORGANISERS)
    others_vote(deliberation)
    first_map = map_recompute(deliberation=deliberation)
    assert first_map.k >= 2, first_map.reason
    page_url = f"/m/{municipality.slug}/deliberations/{deliberation.pk}/"
    page = walk.page

    # The resident finds the deliberation in the list and opens it.
    walk.as_(resident)
    walk.open(f"/m/{municipality.slug}/deliberations/")
    walk.press(page.get_by_role("link", name=deliberation.title))
    assert walk.url == page_url
    shot(page, "page", walk.setting)

    # A statement of their own: thanked, kept for moderation.
    page.fill("#id_text", MINE)
    walk.press("Add the statement")
    expect(page.locator(".messages")).to_contain_text(
        walk._("Thank you: your statement will be shown once a moderator accepts it.")
    )
    mine = Statement.objects.get(deliberation=deliberation, text=MINE)
    assert mine.status == StatementStatus.PENDING and mine.author == resident
    shot(page, "added", walk.setting)

    # A moderator accepts it on the staff statements page (in place).
    walk.as_(moderator)
    walk.open(f"/m/{municipality.slug}/staff/deliberations/{deliberation.pk}/statements/")
    walk.page.locator(f"#statement-{mine.pk}").get_by_role("button", name=walk._("Accept")).click()
    expect(page.locator('#statement-counts [data-count="pending"]')).to_have_text("0")
    walk.check()
    mine.refresh_from_db()
    assert mine.status == StatementStatus.ACCEPTED
    shot(page, "moderated", walk.setting)

    # The resident answers every statement, one at a time; htmx swaps the card each time.
    walk.as_(resident)
    walk.open(page_url)
    card = page.locator("#card")
    shown = Statement.objects.filter(deliberation=deliberation, status="accepted").count()
    assert shown == len(ORGANISERS) + 1
    for answered in range(1, shown + 1):
        statement = int(card.locator("blockquote").get_attribute("data-statement"))
        answer = ANSWERS[(answered - 1) % len(ANSWERS)]
        walk.button(answer, card).click()
        if answered < shown:
            expect(card.locator(f'blockquote:not([data-statement="{statement}"])')).to_be_visible()
        else:
            expect(card.locator("#card-done")).to_have_text(walk._("You have answered every statement."))
        expect(page.locator("#answers .card")).to_have_count(answered)
        check_page(page)
        kept = Vote.objects.filter(participant__user=resident, statement_id=statement)
        assert [v.value for v in kept] == [VALUE[answer]], (answer, statement)
        if answered == 2:
            shot(page, "answering", walk.setting)
    assert Vote.objects.filter(participant__user=resident).count() == shown
    # Placed on the last map by their answers (projected) before any recompute.
    placed = re.escape(walk._("You are in group %(group)s.")).replace(re.escape("%(group)s"), "[A-Z]")
    expect(page.locator("#standing")).to_contain_text(re.compile(placed))
    shot(page, "answered", walk.setting)

    # They change their answer on their own statement (a plain form: the page reloads).
    row = page.locator(f"#answer-{mine.pk}")
    before = Vote.objects.get(participant__user=resident, statement=mine).value
    change = next(a for a in ANSWERS if VALUE[a] != before)
    walk.press(walk.button(change, row))
    expect(page.locator(".messages")).to_contain_text(walk._("Your answer is changed."))
    assert Vote.objects.get(participant__user=resident, statement=mine).value == VALUE[change]
    assert Vote.objects.filter(participant__user=resident).count() == shown
    expect(page.locator(f"#answer-{mine.pk} [data-vote]")).to_have_attribute("data-vote", str(VALUE[change]))

    # The map is recomputed: the page says where they stand, and the map shows it.
    stored = map_recompute(deliberation=deliberation)
    assert stored.k >= 2, stored.reason
    number = Participant.objects.get(deliberation=deliberation, user=resident).number
    assert str(number) in stored.result["groups"], "the resident answered every statement: in the map"
    group = letter(stored.result["groups"][str(number)])
    walk.open(page_url)
    expect(page.locator("#standing")).to_contain_text(
        walk._("You are in group %(group)s.") % {"group": group}
    )
    walk.press(walk.link("See the opinion map", page.locator("#standing")))
    assert walk.url == f"/m/{municipality.slug}/deliberations/{deliberation.pk}/map/"
    expect(page.locator(".you-are")).to_have_text(walk._("You are in group %(letter)s.") % {"letter": group})
    picture = page.locator("svg[role=img]")
    expect(picture.locator(".map-you")).to_have_count(1)
    expect(picture.locator(".map-label")).to_have_count(stored.k)
    groups = page.locator("table.map-groups")
    expect(groups).to_be_visible()
    expect(groups.locator("tbody tr")).to_have_count(stored.k)
    shot(page, "map", walk.setting)


def test_without_javascript_the_plain_form_answers(
    browser: Any, live_server: Any, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    resident = make_user("resident")
    deliberation = open_deliberation(admin, municipality, statements=SEEDS)
    setting = RUSSIAN_PHONE
    context = browser.new_context(
        java_script_enabled=False,
        locale=setting.locale,
        viewport={"width": setting.width, "height": setting.height},
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        sign_in(context, live_server.url, resident)
        page = context.new_page()
        page.goto(f"{live_server.url}/m/{municipality.slug}/deliberations/{deliberation.pk}/")
        card = page.locator("#card")
        for answered, answer in enumerate(("Согласен", "Не согласен", "Пропустить"), start=1):
            statement = card.locator("blockquote").get_attribute("data-statement")
            with page.expect_navigation():
                card.get_by_role("button", name=answer, exact=True).click()
            assert re.search(r"/deliberations/\d+/#card$", page.url), page.url
            assert card.locator("blockquote").get_attribute("data-statement") != statement
            assert page.locator("#answers .card").count() == answered
        values = Vote.objects.filter(participant__user=resident).values_list("value", flat=True)
        assert sorted(values) == [-1, 0, 1]
        shot(page, "no-js", setting)
    finally:
        context.close()
