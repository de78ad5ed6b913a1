"""Model 2 in a real Chromium, in Russian on a phone and in English on a desktop: a verified resident
supports an initiative, votes in an official poll and fills a knapsack budget ballot; each is
recorded once and gives a ledger receipt. Every page on the way is checked (tests/e2e/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.helpers import Walk
from veche.accounts.models import User
from veche.budgeting.models import Ballot, BallotKind, Process
from veche.budgeting.tests.helpers import city_budget, options
from veche.initiatives.models import InitiativeSupport
from veche.initiatives.services import initiative_create
from veche.ledger.models import LedgerEntry
from veche.municipalities.models import District, Municipality
from veche.polls.models import Poll, PollVote

pytestmark = pytest.mark.e2e


def test_a_resident_supports_an_initiative_votes_in_a_poll_and_fills_a_budget_ballot(
    walk: Walk,
    municipality: Municipality,
    central: District,
    resident_of: Callable[..., User],
    make_poll: Callable[..., Poll],
    make_process: Callable[..., Process],
) -> None:
    page, slug = walk.page, municipality.slug
    author, anna = resident_of("author", central), resident_of("anna", central)
    initiative = initiative_create(
        author=author,
        municipality=municipality,
        title="Велодорожка вдоль реки",
        body="Разметить защищённую полосу.",
        publish=True,
    )
    poll = make_poll(
        "Какой парк благоустроить первым?", options=["Парк Горького", "Сокольники"], live_results=True
    )
    process = make_process(
        kind=BallotKind.KNAPSACK,
        max_projects=None,
        projects=[("Скамейки", 3000), ("Фонтан", 6000), ("Деревья", 2500)],
    )
    city = city_budget(process)
    benches, _fountain, trees = options(city)
    walk.as_(anna)

    # Support the initiative: htmx swaps the support box, its button for the receipt.
    walk.open(f"/m/{slug}/initiatives/{initiative.pk}/")
    box = page.locator("#initiative-support")
    support_button = walk.button("Support this initiative", within=box)
    support_button.click()
    support_button.wait_for(state="detached")
    walk.check()
    support = InitiativeSupport.objects.get(petition=initiative, user=anna)
    code = box.locator("code.receipt-code")
    assert code.get_attribute("data-receipt") == support.receipt
    assert code.inner_text().replace(" ", "") == support.receipt  # shown in groups of four

    # Vote in the poll.
    walk.open(f"/m/{slug}/polls/{poll.pk}/")
    page.get_by_label("Парк Горького", exact=True).check()
    walk.press("Cast my vote")
    vote = PollVote.objects.get(poll=poll, user=anna)
    assert [choice.option.text for choice in vote.choices.all()] == ["Парк Горького"]

    # Fill the budget ballot: two projects fit in the budget; the running total says so.
    walk.open(f"/m/{slug}/budgets/{process.pk}/{city.pk}/ballot/")
    page.get_by_label("Скамейки", exact=True).check()
    page.get_by_label("Деревья", exact=True).check()
    page.locator("#ballot-total").wait_for()
    walk.press("Cast my ballot")
    ballot = Ballot.objects.get(budget=city, user=anna)
    assert sorted(ballot.choices.values_list("proposal_id", flat=True)) == sorted([benches.pk, trees.pk])

    # Each is on its own chain, once.
    assert LedgerEntry.objects.count() == 3
    page.screenshot(path=f"/tmp/e2e-participation-{walk.setting}.png", full_page=True)  # noqa: S108
