"""Setting up a budgeting process: its settings, its budgets, and the moves between its phases."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count as CountOf
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.accounts.models import User
from veche.budgeting import phases
from veche.budgeting.access import can_set_up_budgets
from veche.budgeting.engine import RULES, TIE_BREAKINGS, UTILITIES
from veche.budgeting.models import (
    TITLE_MAX_LENGTH,
    BallotKind,
    Budget,
    Process,
    ProcessPhase,
    ProcessTier,
    Proposal,
    ProposalStatus,
    Rule,
    Tally,
    TieBreaking,
    Utilities,
)
from veche.budgeting.selectors import money
from veche.budgeting.services.common import check_amount, is_int, locked_process, wrong_phase
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.moments import check_moment
from veche.core.text import check_text
from veche.municipalities.models import District, Municipality


def process_url(process: Process) -> str:
    return reverse("budgeting:process", args=[process.municipality.slug, process.pk])


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


def check_settings(s: Settings) -> Settings:
    """`s` checked, with the points dropped unless the ballot is cumulative; or a DomainError."""
    if s.ballot_kind not in BallotKind.values:
        raise DomainError(fields={"ballot_kind": [_("Choose the kind of ballot.")]})
    if not is_int(s.min_projects) or not 0 <= s.min_projects <= 1000:
        raise DomainError(fields={"min_projects": [_("Give a number from 0 to 1000.")]})
    if s.max_projects is not None and (
        not is_int(s.max_projects) or not max(1, s.min_projects) <= s.max_projects <= 1000
    ):
        raise DomainError(
            fields={
                "max_projects": [_("The most must be at least 1 and no less than the least, or left empty.")]
            }
        )
    points = s.points_total
    if s.ballot_kind == BallotKind.CUMULATIVE:
        if not is_int(points) or not 1 <= points <= 1_000_000:
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


def assign_settings(process: Process, s: Settings) -> None:
    """Copy checked settings onto the process's fields; the caller saves it."""
    process.ballot_kind, process.min_projects, process.max_projects = (
        s.ballot_kind,
        s.min_projects,
        s.max_projects,
    )
    process.points_total, process.rule, process.utilities = s.points_total, s.rule, s.utilities
    process.tie_breaking, process.tier = s.tie_breaking, s.tier


def process_details(process: Process) -> dict[str, Any]:
    """The process's settings and budgets as the audit log records them."""
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
    assign_settings(process, check_settings(settings_))
    amount = check_amount(amount, "amount")
    with transaction.atomic():
        process.save()
        Budget.objects.create(process=process, district=None, amount=amount)
        audit_record(
            actor=actor,
            action="budgeting.process.create",
            municipality=municipality,
            target=process,
            details=process_details(process),
        )
    return process


def process_update(
    *, actor: User, process: Process, title: str, description: str, settings_: Settings
) -> Process:
    """Change a process's text and settings; how it votes is fixed once voting opens."""
    if not can_set_up_budgets(actor, process.municipality):
        raise NotFound()
    with transaction.atomic():
        process = locked_process(process)
        if process.phase not in phases.SETTING_UP:
            raise wrong_phase(process, _("The settings can no longer change."))
        before = process_details(process)
        process.title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
        process.description = check_text(description, "description", required=False)
        assign_settings(process, check_settings(settings_))
        process.save()
        audit_record(
            actor=actor,
            action="budgeting.process.update",
            municipality=process.municipality,
            target=process,
            details={"before": before, "after": process_details(process)},
        )
    return process


def process_schedule(*, actor: User, process: Process, dates: dict[str, datetime | None]) -> Process:
    """Announce when the phases open and close (`phases.DATE_FIELDS`, each may stay empty); an admin
    may change the timetable in any phase, to extend voting say, and still moves the phases."""
    if not can_set_up_budgets(actor, process.municipality):
        raise NotFound()
    unknown = set(dates) - set(phases.DATE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown dates: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    # Each date given must come after the one given before it: proposals open, proposals close
    # (review starts), voting opens, voting closes, results are published.
    previous: tuple[str, datetime] | None = None
    for name in phases.DATE_FIELDS:
        value = dates.get(name)
        if value is None:
            continue
        check_moment(value, field=name)
        if previous is not None and value <= previous[1]:
            label = getattr(Process._meta.get_field(previous[0]), "verbose_name", previous[0])
            raise DomainError(fields={name: [_("This must come after “%(before)s”.") % {"before": label}]})
        previous = (name, value)
    with transaction.atomic():
        process = locked_process(process)
        before = {name: _iso(getattr(process, name)) for name in phases.DATE_FIELDS}
        for name in phases.DATE_FIELDS:
            setattr(process, name, dates.get(name))
        process.save(update_fields=list(phases.DATE_FIELDS))
        audit_record(
            actor=actor,
            action="budgeting.process.schedule",
            municipality=process.municipality,
            target=process,
            details={"before": before, "after": {name: _iso(dates.get(name)) for name in phases.DATE_FIELDS}},
        )
    return process


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def budget_save(*, actor: User, process: Process, district: District | None, amount: int) -> Budget:
    """Set the amount of the city-wide budget (`district` None) or of a district's budget, adding it
    if the process has none for that district yet."""
    if not can_set_up_budgets(actor, process.municipality):
        raise NotFound()
    if district is not None and district.municipality_id != process.municipality_id:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    amount = check_amount(amount, "amount")
    with transaction.atomic():
        process = locked_process(process)
        if process.phase not in phases.SETTING_UP:
            raise wrong_phase(process, _("Budgets can no longer change."))
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
    if to == ProcessPhase.VOTING:
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
    if to == ProcessPhase.RESULTS:
        for budget in budgets:
            count = Tally.objects.filter(budget=budget).order_by("-counted_at", "-id").first()
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
        process = locked_process(process)
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
                % {
                    "was": ProcessPhase(was).label,
                    "to": ProcessPhase(to).label if to in ProcessPhase.values else to,
                },
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
