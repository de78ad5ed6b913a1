"""Counting a budget's ballots with the engine's rules, and storing the result (a `Tally`).

The rules may run for many seconds, so they run on a snapshot read outside any transaction:
inside one, the budget's row lock (and on SQLite, whose write transactions are IMMEDIATE, the
whole database) would be held for as long as the count runs. Only storing the result takes the
lock, after checking that what was counted still stands (see `_Snapshot`).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count as CountOf
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.accounts.models import User
from veche.budgeting import phases
from veche.budgeting.access import can_run_budgets
from veche.budgeting.engine import RuleError, compute
from veche.budgeting.models import (
    Ballot,
    Budget,
    Process,
    Proposal,
    ProposalStatus,
    Rule,
    Tally,
    TieBreaking,
    Utilities,
)
from veche.budgeting.selectors import budget_election
from veche.budgeting.services.common import locked_budget, wrong_phase
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, NotFound


class _TooLong(Exception):
    """Raised from the engine's progress callback once a count has run past its time limit."""


def _deadline(seconds: float | None) -> Callable[[str], None] | None:
    if seconds is None:
        return None
    end = time.monotonic() + seconds

    def progress(message: str) -> None:
        if time.monotonic() > end:
            raise _TooLong(message)

    return progress


@dataclass(frozen=True)
class _Snapshot:
    """What a count depends on, read before the election is built and again, under the budget's
    lock, before the result is stored: if any of it differs, the count is not stored."""

    phase: str
    amount: int
    ballots: int
    last_ballot: int | None
    # The feasible proposals, with the cost they are on the ballot at.
    projects: tuple[tuple[int, int | None], ...]

    @classmethod
    def of(cls, budget: Budget) -> "_Snapshot":
        ballots = Ballot.objects.filter(budget=budget).aggregate(n=CountOf("id"), last=Max("id"))
        return cls(
            phase=Process.objects.values_list("phase", flat=True).get(pk=budget.process_id),
            amount=Budget.objects.values_list("amount", flat=True).get(pk=budget.pk),
            ballots=ballots["n"],
            last_ballot=ballots["last"],
            projects=tuple(
                Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE)
                .order_by("id")
                .values_list("id", "reviewed_cost")
            ),
        )


def budget_count(
    *,
    actor: User,
    budget: Budget,
    rule: str | None = None,
    utilities: str | None = None,
    tie_breaking: str | None = None,
    time_limit: float | None = None,
    now: datetime | None = None,
) -> Tally:
    """Count `budget`'s ballots with the process's rule (or the one given) and store the result with
    an explanation for every project. A recount stores another tally; the newest stands.

    The count runs outside any transaction, so that residents' writes elsewhere go on meanwhile.
    If a ballot arrives (a paper import: voting is closed) or the process leaves the counting phase
    while it runs, nothing is stored and a Conflict (`count_outdated`) asks to count again: an
    official who counts wants the result of what they see, and a count that retried by itself
    could chase a steady stream of imports for ever.

    The Add1 completion skips the raises of the voters' share that cannot change the outcome, so
    even few voters with a large budget count in well under a second; `time_limit` (seconds) stays
    as a safety net: a count past it is stopped and nothing is stored (pages pass one; `veche
    budget_count` has none)."""
    if not can_run_budgets(actor, budget.process.municipality):
        raise NotFound()
    now = now or timezone.now()
    budget = Budget.objects.select_related("process__municipality", "district").get(pk=budget.pk)
    process = budget.process
    if process.phase not in phases.COUNTING:
        raise wrong_phase(process, _("Ballots are counted in the counting phase."))
    rule = rule or process.rule
    utilities = utilities or process.utilities
    tie_breaking = tie_breaking or process.tie_breaking
    if rule not in Rule.values:
        raise DomainError(fields={"rule": [_("Choose a counting rule.")]})
    if utilities not in Utilities.values:
        raise DomainError(fields={"utilities": [_("Choose the utilities.")]})
    if tie_breaking not in TieBreaking.values:
        raise DomainError(fields={"tie_breaking": [_("Choose how ties are broken.")]})
    # Read before the election: anything that lands in between is seen as a change at the end.
    before = _Snapshot.of(budget)
    election = budget_election(budget=budget)
    if not election.projects:
        raise Conflict(_("This budget has no feasible projects to count."), code="nothing_to_count")
    try:
        result = compute(
            election, rule, utilities=utilities, tie_breaking=tie_breaking, progress=_deadline(time_limit)
        )
    except RuleError as error:
        raise DomainError(fields={"rule": [str(error)]}) from None
    except _TooLong:
        raise Conflict(
            _(
                "Counting took longer than %(n)d seconds and was stopped; nothing was stored. Count this "
                "budget on the server with “veche budget_count %(id)d”, which has no time limit, or "
                "choose another rule."
            )
            % {"n": time_limit, "id": budget.pk},
            code="count_too_long",
        ) from None
    if result.total_cost > budget.amount:
        # The rules never overspend; should one ever do, nothing is stored.
        raise Conflict(_("The count would exceed the budget; it was not stored."), code="over_budget")
    with transaction.atomic():
        budget = locked_budget(budget)
        process = budget.process
        if process.phase not in phases.COUNTING:
            raise wrong_phase(process, _("Ballots are counted in the counting phase."))
        if _Snapshot.of(budget) != before:
            raise Conflict(
                _(
                    "Ballots were added to this budget while it was being counted; the count was not "
                    "stored. Count it again."
                ),
                code="count_outdated",
            )
        ids = {
            p.project_id: p.pk
            for p in Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE).only("id", "code")
        }
        recount = Tally.objects.filter(budget=budget).exists()
        tally = Tally.objects.create(
            process=process,
            budget=budget,
            rule=rule,
            utilities=utilities,
            tie_breaking=tie_breaking,
            counted_at=now,
            counted_by=actor,
            voters=len(election.voters),
            winners=[ids[w] for w in result.winners],
            explanations={**result.as_dict(), "proposals": ids},
            total_cost=int(result.total_cost),
            share=result.share,
            add1_steps=result.add1_steps,
        )
        audit_record(
            actor=actor,
            action="budgeting.recount" if recount else "budgeting.count",
            municipality=process.municipality,
            target=budget,
            details={
                "count": tally.pk,
                "rule": rule,
                "utilities": utilities,
                "tie_breaking": tie_breaking,
                "voters": tally.voters,
                "winners": tally.winners,
                "total_cost": tally.total_cost,
            },
        )
    return tally
