"""Model 2 in a real Chromium: a verified resident supports an initiative, votes in an official
poll and fills a knapsack budget ballot; each is recorded once and gives a ledger receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from veche.accounts.models import User, Verification
from veche.budgeting.models import Ballot, BallotKind, ProcessPhase, Rule, TieBreaking, Utilities
from veche.budgeting.services.proposals import proposal_review, proposal_submit
from veche.budgeting.services.setup import Settings, process_create, process_move
from veche.initiatives.models import InitiativeSupport, Scope, ThresholdKind
from veche.initiatives.services import initiative_create, initiative_policy_save
from veche.ledger.models import LedgerEntry
from veche.municipalities.models import Membership, Municipality
from veche.polls.models import PollTier, PollVote
from veche.polls.services import poll_create, poll_publish

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"


def press(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_resident_supports_an_initiative_votes_in_a_poll_and_fills_a_budget_ballot(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
) -> None:
    base, slug = live_server.url, municipality.slug
    central = municipality.districts.get(slug="d1")
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    official = make_user("official", role=Membership.Role.OFFICIAL, municipality=municipality)
    author, anna = make_user("author"), make_user("anna")
    for person in (author, anna):
        Verification.objects.create(
            user=person, municipality=municipality, district=central, provider=Verification.Provider.IN_PERSON
        )

    initiative_policy_save(
        actor=admin,
        municipality=municipality,
        support_days=30,
        threshold_kind=ThresholdKind.COUNT,
        support_threshold=100,
        support_percent=Decimal("1.00"),
        scope=Scope.MUNICIPALITY,
        answer_days=10,
        voting_days=7,
    )
    initiative = initiative_create(
        author=author,
        municipality=municipality,
        title="Велодорожка вдоль реки",
        body="Разметить защищённую полосу.",
        publish=True,
    )
    now = timezone.now()
    poll = poll_publish(
        actor=admin,
        poll=poll_create(
            actor=admin,
            municipality=municipality,
            title="Какой парк благоустроить первым?",
            description="",
            kind="single",
            options=["Парк Горького", "Сокольники"],
            min_choices=1,
            max_choices=1,
            districts=[],
            tier=PollTier.VERIFIED,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
            live_results=True,
        ),
    )
    process = process_create(
        actor=admin,
        municipality=municipality,
        title="Бюджет участия",
        description="",
        settings_=Settings(
            ballot_kind=BallotKind.KNAPSACK,
            min_projects=1,
            max_projects=None,
            points_total=None,
            rule=Rule.MES_ADD1,
            utilities=Utilities.COST,
            tie_breaking=TieBreaking.LEXICOGRAPHIC,
            tier=2,
        ),
        amount=10_000,
    )
    process = process_move(actor=admin, process=process, to=ProcessPhase.PROPOSALS)
    city = process.budgets.get(district=None)
    proposals = [
        proposal_submit(
            author=author, process=process, budget=city, title=title, description="-", estimated_cost=cost
        )
        for title, cost in [("Скамейки", 3000), ("Фонтан", 6000), ("Деревья", 2500)]
    ]
    process = process_move(actor=admin, process=process, to=ProcessPhase.REVIEW)
    for proposal in proposals:
        proposal_review(
            reviewer=official, proposal=proposal, feasible=True, cost=proposal.estimated_cost, reasons=""
        )
    process = process_move(actor=admin, process=process, to=ProcessPhase.VOTING)

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    press(page, "main form button[type=submit]")

    # Support the initiative (htmx swaps the support box in place).
    page.goto(f"{base}/m/{slug}/initiatives/{initiative.pk}/")
    page.click("#initiative-support form button[type=submit]")
    page.locator("#initiative-support code.receipt-code").wait_for()
    support = InitiativeSupport.objects.get(petition=initiative, user=anna)
    code = page.locator("#initiative-support code.receipt-code")
    assert code.get_attribute("data-receipt") == support.receipt
    assert code.inner_text().replace(" ", "") == support.receipt  # shown in groups of four

    # Vote in the poll.
    page.goto(f"{base}/m/{slug}/polls/{poll.pk}/")
    page.locator("main form input[type=radio]").first.check()
    press(page, "main form button[type=submit]")
    vote = PollVote.objects.get(poll=poll, user=anna)
    assert vote.choices.count() == 1

    # Fill the budget ballot: two projects fit in the budget; the running total says so.
    page.goto(f"{base}/m/{slug}/budgets/{process.pk}/{city.pk}/ballot/")
    page.check(f"#project-{proposals[0].pk}")
    page.check(f"#project-{proposals[2].pk}")
    page.locator("#ballot-total").wait_for()
    press(page, "#ballot-form button[type=submit]")
    ballot = Ballot.objects.get(budget=city, user=anna)
    assert sorted(ballot.choices.values_list("proposal_id", flat=True)) == sorted(
        [proposals[0].pk, proposals[2].pk]
    )

    # Each is on its own chain, once.
    assert LedgerEntry.objects.count() == 3
    page.screenshot(path="/tmp/e2e-participation.png", full_page=True)  # noqa: S108
