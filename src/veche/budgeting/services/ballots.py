"""Ballots: checking one against its process's rules, casting it here, and storing imported ones."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.access.predicates import Feature
from veche.access.roles import tier_of, verified_district
from veche.accounts.models import User
from veche.budgeting.models import (
    Ballot,
    BallotChoice,
    BallotKind,
    BallotSource,
    Budget,
    Process,
    ProcessPhase,
    Proposal,
    ProposalStatus,
)
from veche.budgeting.selectors import money
from veche.budgeting.services.common import is_int, locked_budget, may_take_part, wrong_phase
from veche.core.errors import DomainError
from veche.ledger.services import AlreadyVoted, Receipt, chain_name, ledger_append
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award


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


def ballot_error(message: str) -> DomainError:
    """The refusal of a ballot, with `message` on its choices."""
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
        raise ballot_error(shape)
    parsed: list[tuple[int, int]] = []
    for item in choices:
        if not isinstance(item, Mapping):
            raise ballot_error(shape)
        proposal, points = item.get("proposal"), item.get("points")
        if not is_int(proposal):
            raise ballot_error(_("Name each chosen project by its id, a whole number."))
        if points is None and not cumulative:
            points = 1
        if not is_int(points):
            raise ballot_error(_("Give each project a whole number of points."))
        parsed.append((proposal, points))
    if len({p for p, _points in parsed}) != len(parsed):
        raise ballot_error(_("Each project can be chosen only once."))
    unknown = [p for p, _points in parsed if p not in options]
    if unknown:
        raise ballot_error(
            _("Project %(id)s is not on this ballot: choose among the feasible projects of this budget.")
            % {"id": unknown[0]}
        )
    if cumulative:
        if any(points < 0 for _p, points in parsed):
            raise ballot_error(_("Points cannot be negative."))
        given = sum(points for _p, points in parsed)
        total = process.points_total or 0
        if given > total:
            raise ballot_error(
                _("You gave %(given)d points; you have %(total)d to share.")
                % {"given": given, "total": total}
            )
        parsed = [(p, points) for p, points in parsed if points > 0]
    elif any(points != 1 for _p, points in parsed):
        raise ballot_error(_("Points are given only on a cumulative ballot; send 1 or leave them out."))
    chosen = len(parsed)
    if chosen < process.min_projects or (process.max_projects is not None and chosen > process.max_projects):
        raise ballot_error(_count_message(process, chosen))
    if process.ballot_kind == BallotKind.KNAPSACK:
        cost = sum(options[p].cost for p, _points in parsed)
        if cost > budget.amount:
            raise ballot_error(
                _("The projects you chose cost %(cost)s together, more than the budget of %(amount)s.")
                % {"cost": money(cost), "amount": money(budget.amount)}
            )
    return [(options[p], points) for p, points in parsed]


def feasible_options(budget: Budget) -> dict[int, Proposal]:
    """The projects on the budget's ballot, by proposal id."""
    return {p.pk: p for p in Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE)}


def ballot_payload(budget: Budget, chosen: Sequence[tuple[Proposal, int]], **extra: Any) -> dict[str, Any]:
    """What the ledger entry of a ballot holds."""
    return {"budget": budget.pk, "choices": [[p.pk, points] for p, points in chosen], **extra}


def ballot_cast(*, user: User, budget: Budget, choices: object, now: datetime | None = None) -> Receipt:
    """Cast one ballot on `budget`: `choices` is a list of {"proposal": id, "points": n} (points
    only on a cumulative ballot). The ballot and its ledger entry are written in one transaction
    and the receipt returned. Raises AlreadyVoted (a Conflict carrying the first ballot) when the
    person voted on this budget before, however many of their requests arrive at once."""
    now = now or timezone.now()
    with transaction.atomic():
        # Voters queue on the budget's row: a phase change cannot slip between check and insert.
        budget = locked_budget(budget)
        process = budget.process
        if process.phase != ProcessPhase.VOTING:
            raise wrong_phase(process, _("Voting is not open."))
        existing = Ballot.objects.filter(budget=budget, user=user).first()
        if existing is not None:
            raise AlreadyVoted(existing, key="ballot", summary=ballot_summary(existing))
        may_take_part(user, process, budget, Feature.VOTE)
        chosen = check_ballot(process, budget, feasible_options(budget), choices)
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
        receipt = ledger_append(
            chain=chain_name(budget), kind="ballot", payload=ballot_payload(budget, chosen)
        )
        ballot.receipt = receipt.entry_hash
        ballot.save(update_fields=["receipt"])
        points_award(
            user=user, municipality=process.municipality, action=Recognised.VOTE_CAST, subject=budget, now=now
        )
    return receipt


def add_choices_and_receipts(
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
            chain=chain, kind=kind, payload=ballot_payload(budget, chosen, ref=ballot.voter_ref)
        )
        ballot.receipt = receipt.entry_hash
    Ballot.objects.bulk_update([ballot for ballot, _chosen in made], ["receipt"], batch_size=1000)
