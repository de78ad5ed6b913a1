"""Every write to participatory budgeting: set-up, phases, proposals and their review, ballots
(cast here or imported from paper), counts, and pabulib files in and out.

Ballots lock their budget's row first, and phase changes lock every budget of the process, so a
ballot never slips in after voting closes; the unique constraints on (budget, voter) and (budget,
paper ballot number) make one person one ballot whatever arrives at the same moment.
"""

import csv
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count as CountOf
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from veche.access.predicates import Feature, allows
from veche.access.roles import Tier, tier_of, verified_district
from veche.accounts.models import User
from veche.budgeting import phases
from veche.budgeting.access import can_run_budgets, can_set_up_budgets
from veche.budgeting.engine import (
    RULES,
    TIE_BREAKINGS,
    UTILITIES,
    Election,
    ParseError,
    RuleError,
    compute,
    parse_pb,
    validate_pb,
    write_pb,
)
from veche.budgeting.models import (
    AMOUNT_MAX,
    CODE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Ballot,
    BallotChoice,
    BallotKind,
    BallotSource,
    Budget,
    Count,
    PaperBatch,
    Phase,
    Process,
    ProcessTier,
    Proposal,
    ProposalStatus,
    Rule,
    TieBreaking,
    Utilities,
)
from veche.budgeting.selectors import (
    RULES_OF_PABULIB,
    budget_election,
    district_refusal,
    money,
)
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.text import check_text
from veche.ledger.services import AlreadyVoted, Receipt, chain_name, ledger_append
from veche.municipalities.models import District, Municipality
from veche.notifications.services import notify

# Uploaded files larger than this are refused before they are read.
FILE_MAX_BYTES = 20 * 1024 * 1024
# At most this many problems of a file are listed; the rest are counted.
PROBLEMS_SHOWN = 50


def ballot_summary(ballot: Ballot) -> dict[str, object]:
    """What the API says about a ballot: its choices in the order given, when, and its receipt."""
    return {
        "budget": ballot.budget_id,
        "choices": [
            {"proposal": proposal, "points": points}
            for proposal, points in ballot.choices.order_by("id").values_list("proposal_id", "points")
        ],
        "created_at": ballot.created_at.isoformat(),
        "receipt": ballot.receipt,
    }


def process_url(process: Process) -> str:
    return reverse("budgeting:process", args=[process.municipality.slug, process.pk])


def proposal_url(proposal: Proposal) -> str:
    return reverse(
        "budgeting:proposal", args=[proposal.process.municipality.slug, proposal.process_id, proposal.pk]
    )


# Checking what people type.


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_amount(value: object, field: str, *, most: int = AMOUNT_MAX, least: int = 1) -> int:
    if not _is_int(value) or not least <= value <= most:  # type: ignore[operator]
        raise DomainError(
            fields={
                field: [
                    _("Give a whole number of roubles from %(min)s to %(max)s.")
                    % {"min": money(least), "max": money(most)}
                ]
            }
        )
    return int(value)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Settings:
    """How a process votes and counts; checked together, since they depend on each other."""

    ballot_kind: str
    min_projects: int
    max_projects: int | None
    points_total: int | None
    rule: str
    utilities: str
    tie_breaking: str
    tier: int


def _check_settings(s: Settings) -> Settings:
    if s.ballot_kind not in BallotKind.values:
        raise DomainError(fields={"ballot_kind": [_("Choose the kind of ballot.")]})
    if not _is_int(s.min_projects) or not 0 <= s.min_projects <= 1000:
        raise DomainError(fields={"min_projects": [_("Give a number from 0 to 1000.")]})
    if s.max_projects is not None and (
        not _is_int(s.max_projects) or not max(1, s.min_projects) <= s.max_projects <= 1000
    ):
        raise DomainError(
            fields={
                "max_projects": [_("The most must be at least 1 and no less than the least, or left empty.")]
            }
        )
    points = s.points_total
    if s.ballot_kind == BallotKind.CUMULATIVE:
        if not _is_int(points) or not 1 <= points <= 1_000_000:  # type: ignore[operator]
            raise DomainError(
                fields={"points_total": [_("A cumulative ballot needs the points to share (1 or more).")]}
            )
    else:
        points = None
    if s.rule not in Rule.values or s.rule not in RULES:
        raise DomainError(fields={"rule": [_("Choose a counting rule.")]})
    if s.utilities not in Utilities.values or s.utilities not in UTILITIES:
        raise DomainError(fields={"utilities": [_("Choose the utilities.")]})
    if s.tie_breaking not in TieBreaking.values or s.tie_breaking not in TIE_BREAKINGS:
        raise DomainError(fields={"tie_breaking": [_("Choose how ties are broken.")]})
    if s.tier not in ProcessTier.values:
        raise DomainError(fields={"tier": [_("Choose who may take part.")]})
    return Settings(
        s.ballot_kind, s.min_projects, s.max_projects, points, s.rule, s.utilities, s.tie_breaking, s.tier
    )


def _apply(process: Process, s: Settings) -> None:
    process.ballot_kind, process.min_projects, process.max_projects = (
        s.ballot_kind,
        s.min_projects,
        s.max_projects,
    )
    process.points_total, process.rule, process.utilities = s.points_total, s.rule, s.utilities
    process.tie_breaking, process.tier = s.tie_breaking, s.tier


def _details(process: Process) -> dict[str, Any]:
    return {
        "title": process.title,
        "phase": process.phase,
        "ballot_kind": process.ballot_kind,
        "projects": [process.min_projects, process.max_projects],
        "points_total": process.points_total,
        "rule": process.rule,
        "utilities": process.utilities,
        "tie_breaking": process.tie_breaking,
        "tier": process.tier,
        "budgets": [[b.district_id, b.amount] for b in process.budgets.order_by("id")],
    }


# Rows are locked FOR NO KEY UPDATE (PostgreSQL; SQLite writes one transaction at a time): it
# excludes the other writers of the row but not the inserts of rows that refer to it, which take
# KEY SHARE locks. Locks are taken process first, then its budgets in id order.


def _locked_process(process: Process) -> Process:
    """The process's row, locked until the transaction ends."""
    return (
        Process.objects.select_for_update(no_key=True, of=("self",))
        .select_related("municipality")
        .get(pk=process.pk)
    )


def _locked_budget(budget: Budget) -> Budget:
    """The budget's row, locked until the transaction ends: ballots, imports and counts queue on it."""
    return (
        Budget.objects.select_for_update(no_key=True, of=("self",))
        .select_related("process__municipality", "district")
        .get(pk=budget.pk)
    )


def _not_in(process: Process, what: str) -> Conflict:
    return Conflict(
        _("%(what)s This process is in the phase: %(phase)s.")
        % {"what": what, "phase": Phase(process.phase).label},
        code="wrong_phase",
    )


# Set-up (municipal admins).


def process_create(
    *,
    actor: User,
    municipality: Municipality,
    title: str,
    description: str,
    settings_: Settings,
    amount: int,
    now: datetime | None = None,
) -> Process:
    """A process in set-up with its city-wide budget of `amount` roubles; residents see it from
    the proposals phase on."""
    if not can_set_up_budgets(actor, municipality):
        raise NotFound()
    now = now or timezone.now()
    process = Process(municipality=municipality, created_by=actor, created_at=now, phase_changed_at=now)
    process.title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    process.description = check_text(description, "description", required=False)
    _apply(process, _check_settings(settings_))
    amount = _check_amount(amount, "amount")
    with transaction.atomic():
        process.save()
        Budget.objects.create(process=process, district=None, amount=amount)
        audit_record(
            actor=actor,
            action="budgeting.process.create",
            municipality=municipality,
            target=process,
            details=_details(process),
        )
    return process


def process_update(
    *, actor: User, process: Process, title: str, description: str, settings_: Settings
) -> Process:
    """Change a process's text and settings; how it votes is fixed once voting opens."""
    if not can_set_up_budgets(actor, process.municipality):
        raise NotFound()
    with transaction.atomic():
        process = _locked_process(process)
        if process.phase not in phases.SETTING_UP:
            raise _not_in(process, _("The settings can no longer change."))
        before = _details(process)
        process.title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
        process.description = check_text(description, "description", required=False)
        _apply(process, _check_settings(settings_))
        process.save()
        audit_record(
            actor=actor,
            action="budgeting.process.update",
            municipality=process.municipality,
            target=process,
            details={"before": before, "after": _details(process)},
        )
    return process


def budget_save(*, actor: User, process: Process, district: District | None, amount: int) -> Budget:
    """Set the amount of the city-wide budget (`district` None) or of a district's budget, adding it
    if the process has none for that district yet."""
    if not can_set_up_budgets(actor, process.municipality):
        raise NotFound()
    if district is not None and district.municipality_id != process.municipality_id:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    amount = _check_amount(amount, "amount")
    with transaction.atomic():
        process = _locked_process(process)
        if process.phase not in phases.SETTING_UP:
            raise _not_in(process, _("Budgets can no longer change."))
        budget = Budget.objects.filter(process=process, district=district).first()
        before = budget.amount if budget is not None else None
        costliest = (
            Proposal.objects.filter(budget=budget)
            .exclude(status=ProposalStatus.WITHDRAWN)
            .aggregate(most=Max("reviewed_cost"))["most"]
            if budget is not None
            else None
        )
        if costliest is not None and costliest > amount:
            raise DomainError(
                fields={
                    "amount": [
                        _("A feasible proposal of this budget costs %(cost)s, more than that.")
                        % {"cost": money(costliest)}
                    ]
                }
            )
        if budget is None:
            budget = Budget.objects.create(process=process, district=district, amount=amount)
        else:
            budget.amount = amount
            budget.save(update_fields=["amount"])
        audit_record(
            actor=actor,
            action="budgeting.budget.save",
            municipality=process.municipality,
            target=budget,
            details={"district": district.pk if district else None, "before": before, "amount": amount},
        )
    return budget


def _ready_for(process: Process, to: str) -> None:
    """Refuse a phase change that would leave the next phase unable to work."""
    budgets = list(
        Budget.objects.filter(process=process)
        .select_related("district")
        .annotate(
            feasible=CountOf("proposals", filter=Q(proposals__status=ProposalStatus.FEASIBLE), distinct=True),
            waiting=CountOf("proposals", filter=Q(proposals__status=ProposalStatus.SUBMITTED), distinct=True),
            ballots_cast=CountOf("ballots", distinct=True),
        )
    )
    if to == Phase.VOTING:
        waiting = sum(b.waiting for b in budgets)
        if waiting:
            raise Conflict(
                ngettext(
                    "Review every proposal before voting opens: %(n)d is waiting.",
                    "Review every proposal before voting opens: %(n)d are waiting.",
                    waiting,
                )
                % {"n": waiting},
                code="not_ready",
            )
        least = max(1, process.min_projects)
        for budget in budgets:
            feasible = budget.feasible
            if feasible < least:
                raise Conflict(
                    _(
                        "The budget of %(scope)s has %(n)d feasible proposals; "
                        "its ballot needs at least %(min)d."
                    )
                    % {"scope": budget.scope, "n": feasible, "min": least},
                    code="not_ready",
                )
    if to == Phase.RESULTS:
        for budget in budgets:
            count = Count.objects.filter(budget=budget).order_by("-counted_at", "-id").first()
            if count is None or count.voters != budget.ballots_cast:
                raise Conflict(
                    _("Count the budget of %(scope)s (with all its ballots) before publishing the results.")
                    % {"scope": budget.scope},
                    code="not_ready",
                )


def process_move(*, actor: User, process: Process, to: str, now: datetime | None = None) -> Process:
    """Move the process to its next phase (`phases.TRANSITIONS` says which may follow which)."""
    if not can_set_up_budgets(actor, process.municipality):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        process = _locked_process(process)
        # Ballots and counts lock their budget: lock them all, in order, so none is mid-way.
        list(
            Budget.objects.select_for_update(no_key=True)
            .filter(process=process)
            .order_by("id")
            .values_list("id")
        )
        was = process.phase
        if to not in phases.TRANSITIONS[was]:
            raise Conflict(
                _("A process in the phase %(was)s cannot move to %(to)s.")
                % {"was": Phase(was).label, "to": Phase(to).label if to in Phase.values else to},
                code="bad_transition",
            )
        _ready_for(process, to)
        process.phase, process.phase_changed_at = to, now
        process.save(update_fields=["phase", "phase_changed_at"])
        audit_record(
            actor=actor,
            action="budgeting.process.phase",
            municipality=process.municipality,
            target=process,
            details={"from": was, "to": to},
        )
    return process


# Proposals.


def _check_cost(value: object, budget: Budget, field: str) -> int:
    cost = _check_amount(value, field, least=0)
    if cost > budget.amount:
        raise DomainError(
            fields={
                field: [
                    _("A project cannot cost more than the whole budget of %(amount)s.")
                    % {"amount": money(budget.amount)}
                ]
            }
        )
    return cost


def _may_take_part(user: User, process: Process, budget: Budget, feature: Feature) -> None:
    decision = allows(user, process.municipality, feature, phases.step_of(process))
    if not decision:
        raise Forbidden(decision.reason)
    reason = district_refusal(budget, verified_district(user=user, municipality=process.municipality))
    if reason:
        raise Forbidden(reason, code="other_district")


def proposal_submit(
    *,
    author: User,
    process: Process,
    budget: Budget,
    title: str,
    description: str,
    estimated_cost: int,
    now: datetime | None = None,
) -> Proposal:
    """A resident's proposal for one of the process's budgets, while proposals are collected."""
    if budget.process_id != process.pk:
        raise DomainError(fields={"budget": [_("Choose one of this process's budgets.")]})
    now = now or timezone.now()
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    description = check_text(description, "description")
    with transaction.atomic():
        process = _locked_process(process)
        if process.phase != Phase.PROPOSALS:
            raise _not_in(process, _("Proposals are not being collected now."))
        budget.process = process
        _may_take_part(author, process, budget, Feature.SUBMIT)
        cost = _check_cost(estimated_cost, budget, "estimated_cost")
        proposal = Proposal.objects.create(
            process=process,
            budget=budget,
            author=author,
            title=title,
            description=description,
            estimated_cost=cost,
            created_at=now,
        )
    return proposal


def proposal_withdraw(*, author: User, proposal: Proposal) -> Proposal:
    """The author takes back a proposal that has not been reviewed yet."""
    if proposal.author_id != author.pk:
        raise Forbidden(_("Only its author can withdraw a proposal."))
    with transaction.atomic():
        process = _locked_process(proposal.process)
        proposal = Proposal.objects.select_for_update(no_key=True, of=("self",)).get(pk=proposal.pk)
        if (
            process.phase not in (Phase.PROPOSALS, Phase.REVIEW)
            or proposal.status != ProposalStatus.SUBMITTED
        ):
            raise Conflict(_("Only a proposal waiting for review can be withdrawn."), code="not_withdrawable")
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status"])
    proposal.process = process
    return proposal


def proposal_review(
    *,
    reviewer: User,
    proposal: Proposal,
    feasible: bool,
    cost: int | None,
    reasons: str,
    now: datetime | None = None,
) -> Proposal:
    """An official's decision: feasible at a cost (which goes on the ballot), or not feasible,
    with reasons. A decision can be revised until voting opens."""
    process = proposal.process
    if not can_run_budgets(reviewer, process.municipality):
        raise NotFound()
    now = now or timezone.now()
    reasons = check_text(reasons, "reasons", required=not feasible)
    with transaction.atomic():
        process = _locked_process(process)
        proposal = (
            Proposal.objects.select_for_update(no_key=True, of=("self",))
            .select_related("budget", "author")
            .get(pk=proposal.pk)
        )
        if process.phase not in phases.REVIEWING:
            raise _not_in(process, _("Proposals are reviewed in the review phase."))
        if proposal.status == ProposalStatus.WITHDRAWN:
            raise Conflict(_("This proposal was withdrawn by its author."), code="withdrawn")
        before = {"status": proposal.status, "cost": proposal.reviewed_cost}
        if feasible:
            if cost is None:
                raise DomainError(fields={"cost": [_("Give the cost of a feasible project.")]})
            proposal.reviewed_cost = _check_cost(cost, proposal.budget, "cost")
            proposal.status = ProposalStatus.FEASIBLE
        else:
            proposal.reviewed_cost = None
            proposal.status = ProposalStatus.INFEASIBLE
        proposal.review_reasons, proposal.reviewed_by, proposal.reviewed_at = reasons, reviewer, now
        proposal.save()
        proposal.process = process
        audit_record(
            actor=reviewer,
            action="budgeting.proposal.review",
            municipality=process.municipality,
            target=proposal,
            details={
                "before": before,
                "status": proposal.status,
                "cost": proposal.reviewed_cost,
                "reasons": reasons,
            },
        )
        if proposal.author is not None:
            title = (
                gettext_lazy("Your proposal is feasible and will be on the ballot")
                if feasible
                else gettext_lazy("Your proposal was found not feasible")
            )
            notify(
                recipients=[proposal.author],
                kind="budgeting.review",
                title=title,
                body=proposal.title,
                url=proposal_url(proposal),
            )
    return proposal


# Ballots.


def _ballot_error(message: str) -> DomainError:
    return DomainError(_("Check your ballot."), code="invalid_ballot", fields={"choices": [message]})


def _count_message(process: Process, chosen: int) -> str:
    low, high = process.min_projects, process.max_projects
    if process.ballot_kind == BallotKind.CUMULATIVE:
        if high is None:
            return ngettext(
                "Give points to at least %(min)d project.", "Give points to at least %(min)d projects.", low
            ) % {"min": low}
        return _("Give points to from %(min)d to %(max)d projects (you gave points to %(n)d).") % {
            "min": low,
            "max": high,
            "n": chosen,
        }
    if high is None:
        return ngettext("Choose at least %(min)d project.", "Choose at least %(min)d projects.", low) % {
            "min": low
        }
    if low == high:
        return ngettext(
            "Choose exactly %(min)d project (you chose %(n)d).",
            "Choose exactly %(min)d projects (you chose %(n)d).",
            low,
        ) % {"min": low, "n": chosen}
    return _("Choose from %(min)d to %(max)d projects (you chose %(n)d).") % {
        "min": low,
        "max": high,
        "n": chosen,
    }


def check_ballot(
    process: Process, budget: Budget, options: Mapping[int, Proposal], choices: object
) -> list[tuple[Proposal, int]]:
    """The ballot's projects with their points, in the order given, or a DomainError saying what
    is wrong with it. `options` are the budget's feasible proposals by id. On a cumulative ballot
    projects given 0 points are left out."""
    cumulative = process.ballot_kind == BallotKind.CUMULATIVE
    shape = _('Send the choices as a list of {"proposal": id, "points": n}.')
    if not isinstance(choices, list | tuple):
        raise _ballot_error(shape)
    parsed: list[tuple[int, int]] = []
    for item in choices:
        if not isinstance(item, Mapping):
            raise _ballot_error(shape)
        proposal, points = item.get("proposal"), item.get("points")
        if not _is_int(proposal):
            raise _ballot_error(_("Name each chosen project by its id, a whole number."))
        if points is None and not cumulative:
            points = 1
        if not _is_int(points):
            raise _ballot_error(_("Give each project a whole number of points."))
        parsed.append((proposal, points))  # type: ignore[arg-type]
    if len({p for p, _points in parsed}) != len(parsed):
        raise _ballot_error(_("Each project can be chosen only once."))
    unknown = [p for p, _points in parsed if p not in options]
    if unknown:
        raise _ballot_error(
            _("Project %(id)s is not on this ballot: choose among the feasible projects of this budget.")
            % {"id": unknown[0]}
        )
    if cumulative:
        if any(points < 0 for _p, points in parsed):
            raise _ballot_error(_("Points cannot be negative."))
        given = sum(points for _p, points in parsed)
        total = process.points_total or 0
        if given > total:
            raise _ballot_error(
                _("You gave %(given)d points; you have %(total)d to share.")
                % {"given": given, "total": total}
            )
        parsed = [(p, points) for p, points in parsed if points > 0]
    elif any(points != 1 for _p, points in parsed):
        raise _ballot_error(_("Points are given only on a cumulative ballot; send 1 or leave them out."))
    chosen = len(parsed)
    if chosen < process.min_projects or (process.max_projects is not None and chosen > process.max_projects):
        raise _ballot_error(_count_message(process, chosen))
    if process.ballot_kind == BallotKind.KNAPSACK:
        cost = sum(options[p].cost for p, _points in parsed)
        if cost > budget.amount:
            raise _ballot_error(
                _("The projects you chose cost %(cost)s together, more than the budget of %(amount)s.")
                % {"cost": money(cost), "amount": money(budget.amount)}
            )
    return [(options[p], points) for p, points in parsed]


def _feasible(budget: Budget) -> dict[int, Proposal]:
    return {p.pk: p for p in Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE)}


def _payload(budget: Budget, chosen: Sequence[tuple[Proposal, int]], **extra: Any) -> dict[str, Any]:
    return {"budget": budget.pk, "choices": [[p.pk, points] for p, points in chosen], **extra}


def ballot_cast(*, user: User, budget: Budget, choices: object, now: datetime | None = None) -> Receipt:
    """Cast one ballot on `budget`: `choices` is a list of {"proposal": id, "points": n} (points
    only on a cumulative ballot). The ballot and its ledger entry are written in one transaction
    and the receipt returned. Raises AlreadyVoted (a Conflict carrying the first ballot) when the
    person voted on this budget before, however many of their requests arrive at once."""
    now = now or timezone.now()
    with transaction.atomic():
        # Voters queue on the budget's row: a phase change cannot slip between check and insert.
        budget = _locked_budget(budget)
        process = budget.process
        if process.phase != Phase.VOTING:
            raise _not_in(process, _("Voting is not open."))
        existing = Ballot.objects.filter(budget=budget, user=user).first()
        if existing is not None:
            raise AlreadyVoted(existing, key="ballot", summary=ballot_summary(existing))
        _may_take_part(user, process, budget, Feature.VOTE)
        chosen = check_ballot(process, budget, _feasible(budget), choices)
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    process=process,
                    budget=budget,
                    user=user,
                    tier=tier_of(user, process.municipality),
                    district=verified_district(user=user, municipality=process.municipality),
                    source=BallotSource.WEB,
                    created_at=now,
                )
        except IntegrityError:
            existing = Ballot.objects.get(budget=budget, user=user)
            raise AlreadyVoted(existing, key="ballot", summary=ballot_summary(existing)) from None
        BallotChoice.objects.bulk_create(
            [BallotChoice(ballot=ballot, proposal=p, points=points) for p, points in chosen]
        )
        receipt = ledger_append(chain=chain_name(budget), kind="ballot", payload=_payload(budget, chosen))
        ballot.receipt = receipt.entry_hash
        ballot.save(update_fields=["receipt"])
    return receipt


# Paper ballots.


@dataclass(frozen=True)
class Row:
    line: int
    ref: str
    vote: tuple[str, ...]
    points: tuple[str, ...] | None


def _file_error(problems: Sequence[str]) -> DomainError:
    total = len(problems)
    shown = list(problems[:PROBLEMS_SHOWN])
    if total > len(shown):
        shown.append(_("… and %(n)d more problems.") % {"n": total - len(shown)})
    return DomainError(
        ngettext(
            "The file has %(n)d problem; nothing was imported.",
            "The file has %(n)d problems; nothing was imported.",
            total,
        )
        % {"n": total},
        code="invalid_file",
        fields={"file": shown},
    )


def _read_text(content: bytes) -> str:
    if len(content) > FILE_MAX_BYTES:
        raise DomainError(
            fields={"file": [_("The file is larger than %(n)d MB.") % {"n": FILE_MAX_BYTES // 2**20}]}
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(fields={"file": [_("The file must be UTF-8 text.")]}) from None


def _split_list(cell: str) -> tuple[str, ...]:
    cell = cell.strip()
    if cell in ("", "None"):
        return ()
    separator = "," if "," in cell else " "
    return tuple(part.strip() for part in cell.split(separator) if part.strip())


Problems = list[tuple[int, str]]


def _read_rows(text: str, cumulative: bool) -> tuple[str, list[Row], Problems]:
    """The rows of a CSV file of paper ballots or of a pabulib VOTES section, with every problem
    of their layout. Columns: the ballot's number (`voter_id` or `ballot`), `vote` (project ids,
    separated by commas or spaces) and, on a cumulative ballot, `points` (aligned with `vote`)."""
    lines = text.split("\n")
    problems: Problems = []
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    fmt = PaperBatch.Format.CSV
    if start < len(lines) and lines[start].replace(";", "").strip().strip('"').upper() == "VOTES":
        fmt = PaperBatch.Format.PABULIB
        start += 1
    if start >= len(lines):
        return fmt, [], [(start + 1, _("the header line is missing."))]
    header_line = lines[start]
    delimiter = ";" if ";" in header_line else ","
    rows: list[Row] = []

    def cells(line: str) -> list[str] | None:
        try:
            parsed = next(csv.reader([line], delimiter=delimiter, quotechar='"', strict=True), [])
        except csv.Error:
            return None
        return [c.strip() for c in parsed]

    header = cells(header_line) or []
    names = [h.lower() for h in header]
    ref_at = next((names.index(n) for n in ("voter_id", "ballot", "ballot_id") if n in names), -1)
    vote_at = names.index("vote") if "vote" in names else -1
    points_at = names.index("points") if "points" in names else -1
    missing = [
        label
        for label, at in (("voter_id", ref_at), ("vote", vote_at), ("points", points_at if cumulative else 0))
        if at < 0
    ]
    if missing:
        return (
            fmt,
            [],
            [(start + 1, _("the header lacks the column %(name)s.") % {"name": name}) for name in missing],
        )
    for index in range(start + 1, len(lines)):
        raw = lines[index].rstrip("\r")
        if not raw.strip():
            continue
        number = index + 1
        row = cells(raw)
        if row is None:
            problems.append((number, _("the quoting is broken.")))
            continue
        if len(row) != len(header):
            problems.append(
                (number, _("%(n)d fields, but the header has %(m)d.") % {"n": len(row), "m": len(header)})
            )
            continue
        points = (
            _split_list(row[points_at]) if points_at >= 0 and row[points_at] not in ("", "None") else None
        )
        rows.append(Row(number, row[ref_at], _split_list(row[vote_at]), points))
    return fmt, rows, problems


def _row_choices(row: Row, codes: Mapping[str, Proposal], cumulative: bool) -> list[dict[str, int]]:
    """A row as the choices of `check_ballot`, or a DomainError naming what is wrong with it."""
    missing = [code for code in row.vote if code not in codes]
    if missing:
        raise _ballot_error(
            _("Project %(id)s is not on this ballot: choose among the feasible projects of this budget.")
            % {"id": missing[0]}
        )
    if not cumulative:
        if row.points is not None and any(p != "1" for p in row.points):
            raise _ballot_error(_("Points are given only on a cumulative ballot; send 1 or leave them out."))
        return [{"proposal": codes[code].pk} for code in row.vote]
    if row.points is None or len(row.points) != len(row.vote):
        raise _ballot_error(_("Give as many points as there are projects in the vote."))
    values = []
    for text in row.points:
        try:
            values.append(int(text))
        except ValueError:
            raise _ballot_error(_("Give each project a whole number of points.")) from None
    return [
        {"proposal": codes[code].pk, "points": value} for code, value in zip(row.vote, values, strict=True)
    ]


def _append_ballots(
    budget: Budget, made: Sequence[tuple[Ballot, Sequence[tuple[Proposal, int]]]], kind: str
) -> None:
    """Choices and ledger entries of ballots just inserted, in their order."""
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(ballot=ballot, proposal=p, points=points)
            for ballot, chosen in made
            for p, points in chosen
        ],
        batch_size=2000,
    )
    chain = chain_name(budget)
    for ballot, chosen in made:
        receipt = ledger_append(
            chain=chain, kind=kind, payload=_payload(budget, chosen, ref=ballot.voter_ref)
        )
        ballot.receipt = receipt.entry_hash
    Ballot.objects.bulk_update([ballot for ballot, _chosen in made], ["receipt"], batch_size=1000)


def paper_ballots_import(
    *, actor: User, budget: Budget, content: bytes, filename: str = "", now: datetime | None = None
) -> PaperBatch:
    """Import paper ballots counted by hand: a CSV file or a pabulib VOTES section (see `_read_rows`).

    Every row is checked like a ballot cast here; every problem is reported with its line
    number, and nothing is imported unless every row is right. A paper ballot's number may be
    imported once per budget, and a file once.
    """
    process = budget.process
    if not can_run_budgets(actor, process.municipality):
        raise NotFound()
    now = now or timezone.now()
    text = _read_text(content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        budget = _locked_budget(budget)
        process = budget.process
        if process.phase not in phases.PAPER_BALLOTS:
            raise _not_in(process, _("Paper ballots are imported during voting and counting."))
        earlier = PaperBatch.objects.filter(budget=budget, sha256=digest).first()
        if earlier is not None:
            raise Conflict(
                _("This file was imported on %(day)s; nothing was imported again.")
                % {"day": formats.date_format(timezone.localtime(earlier.imported_at), "DATE_FORMAT")},
                code="already_imported",
            )
        cumulative = process.ballot_kind == BallotKind.CUMULATIVE
        fmt, rows, problems = _read_rows(text, cumulative)
        options = _feasible(budget)
        codes = {p.project_id: p for p in options.values()}
        taken = set(
            Ballot.objects.filter(budget=budget).exclude(voter_ref="").values_list("voter_ref", flat=True)
        )
        first_line: dict[str, int] = {}
        checked: list[tuple[Row, list[tuple[Proposal, int]]]] = []
        for row in rows:
            if not row.ref or len(row.ref) > CODE_MAX_LENGTH:
                problems.append((row.line, _("the ballot number is missing or too long.")))
                continue
            if row.ref in first_line:
                problems.append(
                    (
                        row.line,
                        _("ballot %(ref)s is already on line %(first)d.")
                        % {"ref": row.ref, "first": first_line[row.ref]},
                    )
                )
                continue
            first_line[row.ref] = row.line
            if row.ref in taken:
                problems.append((row.line, _("ballot %(ref)s was imported before.") % {"ref": row.ref}))
                continue
            try:
                chosen = check_ballot(process, budget, options, _row_choices(row, codes, cumulative))
            except DomainError as error:
                problems.append((row.line, error.summary))
                continue
            checked.append((row, chosen))
        if problems:
            raise _file_error(
                [
                    _("line %(line)d: %(problem)s") % {"line": line, "problem": message}
                    for line, message in sorted(problems, key=lambda p: p[0])
                ]
            )
        if not checked:
            raise DomainError(fields={"file": [_("The file has no ballots.")]})
        try:
            with transaction.atomic():
                batch = PaperBatch.objects.create(
                    budget=budget,
                    format=fmt,
                    filename=filename[:200],
                    sha256=digest,
                    ballots=len(checked),
                    imported_by=actor,
                    imported_at=now,
                )
                ballots = Ballot.objects.bulk_create(
                    [
                        Ballot(
                            process=process,
                            budget=budget,
                            user=None,
                            tier=Tier.VERIFIED,
                            district=budget.district,
                            source=BallotSource.PAPER,
                            voter_ref=row.ref,
                            batch=batch,
                            created_at=now,
                        )
                        for row, _chosen in checked
                    ]
                )
        except IntegrityError:
            raise Conflict(
                _("This file, or some of its ballots, were imported already; nothing was imported."),
                code="already_imported",
            ) from None
        _append_ballots(
            budget, [(b, chosen) for b, (_row, chosen) in zip(ballots, checked, strict=True)], "paper"
        )
        audit_record(
            actor=actor,
            action="budgeting.paper.import",
            municipality=process.municipality,
            target=budget,
            details={"batch": batch.pk, "file": filename[:200], "sha256": digest, "ballots": len(checked)},
        )
    return batch


# Counting.


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


def budget_count(
    *,
    actor: User,
    budget: Budget,
    rule: str | None = None,
    utilities: str | None = None,
    tie_breaking: str | None = None,
    time_limit: float | None = None,
    now: datetime | None = None,
) -> Count:
    """Count `budget`'s ballots with the process's rule (or the one given) and store the result with
    an explanation for every project. A recount stores another count; the newest stands.

    The Add1 completion raises each voter's share one rouble at a time, so with few voters and a
    large budget it may run very long: with `time_limit` (seconds) such a count is stopped and
    nothing is stored (pages pass one; `veche budget_count` has none)."""
    if not can_run_budgets(actor, budget.process.municipality):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        budget = _locked_budget(budget)
        process = budget.process
        if process.phase not in phases.COUNTING:
            raise _not_in(process, _("Ballots are counted in the counting phase."))
        rule = rule or process.rule
        utilities = utilities or process.utilities
        tie_breaking = tie_breaking or process.tie_breaking
        if rule not in Rule.values:
            raise DomainError(fields={"rule": [_("Choose a counting rule.")]})
        if utilities not in Utilities.values:
            raise DomainError(fields={"utilities": [_("Choose the utilities.")]})
        if tie_breaking not in TieBreaking.values:
            raise DomainError(fields={"tie_breaking": [_("Choose how ties are broken.")]})
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
        ids = {
            p.project_id: p.pk
            for p in Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE).only("id", "code")
        }
        recount = Count.objects.filter(budget=budget).exists()
        count = Count.objects.create(
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
                "count": count.pk,
                "rule": rule,
                "utilities": utilities,
                "tie_breaking": tie_breaking,
                "voters": count.voters,
                "winners": count.winners,
                "total_cost": count.total_cost,
            },
        )
    return count


# Pabulib files.


def budget_export_pb(*, actor: User, budget: Budget) -> str:
    """The budget as a pabulib file (its feasible projects, every ballot, and the newest count's
    winners as `selected`); the export is recorded in the audit log."""
    if not can_run_budgets(actor, budget.process.municipality):
        raise NotFound()
    election = budget_election(budget=budget, selected=True)
    text = write_pb(election)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="budgeting.export",
            municipality=budget.process.municipality,
            target=budget,
            details={"ballots": len(election.voters), "sha256": hashlib.sha256(text.encode()).hexdigest()},
        )
    return text


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _imported_settings(election: Election, rule: str | None, utilities: str, tie_breaking: str) -> Settings:
    meta = election.meta
    cumulative = election.vote_type == "cumulative"

    def number(key: str) -> int | None:
        text = (meta.get(key) or "").strip()
        return int(text) if text.isdigit() else None

    kind = (
        BallotKind.CUMULATIVE
        if cumulative
        else (BallotKind.KNAPSACK if number("max_sum_cost") is not None else BallotKind.APPROVAL)
    )
    high: int | None
    if election.vote_type == "choose-1":
        low, high = 1, 1
    else:
        low, high = number("min_length") or 0, number("max_length")
    if high is not None and high < max(low, 1):
        high = None
    points = None
    if cumulative:
        points = (
            number("max_sum_points")
            or max((int(sum(v.points or ())) for v in election.voters), default=1)
            or 1
        )
    return Settings(
        ballot_kind=kind,
        min_projects=low,
        max_projects=high,
        points_total=points,
        rule=rule or RULES_OF_PABULIB.get(meta.get("rule", ""), Rule.MES_ADD1),
        utilities=utilities,
        tie_breaking=tie_breaking,
        tier=ProcessTier.VERIFIED,
    )


def _election_problems(election: Election) -> list[str]:
    """What a valid pabulib file may hold but a process here cannot: with line numbers."""
    problems = []
    if election.vote_type not in ("approval", "cumulative", "choose-1"):
        problems.append(
            _("META: the vote type %(type)s is not supported; approval, choose-1 and cumulative are.")
            % {"type": election.vote_type}
        )
    budget = election.budget
    if not _whole(budget) or not 1 <= budget <= AMOUNT_MAX:
        problems.append(_("META: the budget must be a whole number of roubles, at least 1."))
    for project in election.projects.values():
        where = {"line": project.line, "id": project.project_id}
        if len(project.project_id) > CODE_MAX_LENGTH:
            problems.append(_("line %(line)d: the project id is longer than 64 characters.") % where)
        if not _whole(project.cost):
            problems.append(_("line %(line)d: the cost of project %(id)s is not a whole number.") % where)
        elif project.cost > budget:
            problems.append(_("line %(line)d: project %(id)s costs more than the whole budget.") % where)
    for voter in election.voters:
        where = {"line": voter.line}
        if not voter.voter_id or len(voter.voter_id) > CODE_MAX_LENGTH:
            problems.append(_("line %(line)d: the voter id is empty or longer than 64 characters.") % where)
        if voter.points is not None and any(not _whole(p) or p < 0 for p in voter.points):
            problems.append(_("line %(line)d: points must be whole numbers, 0 or more.") % where)
    return problems


def process_import_pb(
    *,
    actor: User,
    municipality: Municipality,
    content: bytes,
    filename: str = "",
    rule: str | None = None,
    utilities: str = Utilities.COST,
    tie_breaking: str = TieBreaking.LEXICOGRAPHIC,
    now: datetime | None = None,
) -> Process:
    """Make a process, in the counting phase, from a pabulib file: its budget, its projects (all
    feasible, at their cost) and its ballots, so that it can be counted here. The rule is the
    file's (META `rule`) unless one is given. A district named in META makes it that district's
    budget. Every problem of the file is reported with its line number; nothing is imported then."""
    if not can_set_up_budgets(actor, municipality):
        raise NotFound()
    now = now or timezone.now()
    text = _read_text(content)
    problems = validate_pb(text)
    if problems:
        raise _file_error([str(p) for p in problems])
    try:
        election = parse_pb(text)
    except ParseError as error:  # pragma: no cover - validate_pb found nothing
        raise _file_error([str(p) for p in error.problems]) from None
    found = _election_problems(election)
    if found:
        raise _file_error(found)
    options = _check_settings(_imported_settings(election, rule, utilities, tie_breaking))
    meta = election.meta
    named = (meta.get("district") or meta.get("subunit") or "").strip().casefold()
    district = next(
        (
            d
            for d in municipality.districts.all()
            if named and named in {d.name.casefold(), d.name_en.casefold(), d.slug}
        ),
        None,
    )
    title = " ".join(filter(None, [meta.get("description", ""), meta.get("instance", "")])).strip()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        process = Process(
            municipality=municipality,
            title=title[:TITLE_MAX_LENGTH] or filename[:TITLE_MAX_LENGTH] or "pabulib",
            description=_("Imported from the pabulib file %(file)s (SHA-256 %(sha)s) for counting.")
            % {"file": filename or "—", "sha": digest},
            phase=Phase.COUNTING,
            created_by=actor,
            created_at=now,
            phase_changed_at=now,
            source_sha256=digest,
        )
        _apply(process, options)
        process.save()
        budget = Budget.objects.create(process=process, district=district, amount=int(election.budget))
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    process=process,
                    budget=budget,
                    author=None,
                    code=project.project_id,
                    title=(project.name or project.project_id)[:TITLE_MAX_LENGTH],
                    description=(project.name or "")[: settings.TEXT_MAX_LENGTH]
                    if len(project.name or "") > TITLE_MAX_LENGTH
                    else "",
                    estimated_cost=int(project.cost),
                    reviewed_cost=int(project.cost),
                    status=ProposalStatus.FEASIBLE,
                    reviewed_by=actor,
                    reviewed_at=now,
                    created_at=now,
                )
                for project in election.projects.values()
            ]
        )
        codes = {p.code: p for p in proposals}
        batch = PaperBatch.objects.create(
            budget=budget,
            format=PaperBatch.Format.PABULIB,
            filename=filename[:200],
            sha256=digest,
            ballots=len(election.voters),
            imported_by=actor,
            imported_at=now,
        )
        ballots = Ballot.objects.bulk_create(
            [
                Ballot(
                    process=process,
                    budget=budget,
                    user=None,
                    tier=Tier.VERIFIED,
                    district=district,
                    source=BallotSource.PABULIB,
                    voter_ref=voter.voter_id,
                    batch=batch,
                    created_at=now,
                )
                for voter in election.voters
            ],
            batch_size=2000,
        )
        made = []
        for ballot, voter in zip(ballots, election.voters, strict=True):
            points = voter.points or tuple(Decimal(1) for _code in voter.vote)
            made.append(
                (ballot, [(codes[code], int(p)) for code, p in zip(voter.vote, points, strict=True) if p > 0])
            )
        _append_ballots(budget, made, "import")
        audit_record(
            actor=actor,
            action="budgeting.import",
            municipality=municipality,
            target=process,
            details={
                "file": filename[:200],
                "sha256": digest,
                "projects": len(proposals),
                "ballots": len(ballots),
                **_details(process),
            },
        )
    return process
