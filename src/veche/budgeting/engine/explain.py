# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""What a count decided and why: the result of a rule and one plain-language explanation per project."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def money(value: float | Decimal) -> str:
    """Money for people: whole units when the amount is whole, otherwise two decimals."""
    number = Decimal(str(value)) if isinstance(value, float) else value
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", " ")
    return f"{number:,.2f}".replace(",", " ")


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    """Whether one project is funded, and the numbers behind the decision."""

    project_id: str
    cost: Decimal
    supporters: int
    funded: bool
    reason: str
    # The round (1-based) in which a rule bought the project; None if it was not bought.
    round: int | None = None
    # MES: what the supporters paid (funded) or could still pay at the end (not funded).
    supporters_pay: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "cost": str(self.cost),
            "supporters": self.supporters,
            "funded": self.funded,
            "reason": self.reason,
            "round": self.round,
            "supporters_pay": self.supporters_pay,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The comparison step: how many voters weakly prefer each outcome, and which one was kept."""

    mes_supporters: int
    greedy_supporters: int
    kept: str  # "mes" or "greedy"
    utilities: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "mes_supporters": self.mes_supporters,
            "greedy_supporters": self.greedy_supporters,
            "kept": self.kept,
            "utilities": self.utilities,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one count, stating the rule, the utilities and the tie-breaking it used."""

    rule: str
    utilities: str | None
    tie_breaking: str
    winners: tuple[str, ...]  # in the order the rule bought them
    budget: Decimal
    total_cost: Decimal
    projects: tuple[ProjectOutcome, ...]  # every project, in file order
    # MES: each voter's share of the budget in the run that decided (for Add1: the last share tried
    # whose outcome fits the budget).
    share: float | None = None
    add1_steps: int | None = None
    comparison: Comparison | None = None
    notes: tuple[str, ...] = field(default=())

    def explanation(self, project_id: str) -> ProjectOutcome:
        for outcome in self.projects:
            if outcome.project_id == project_id:
                return outcome
        raise KeyError(project_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "winners": list(self.winners),
            "rule": self.rule,
            "utilities": self.utilities,
            "tie_breaking": self.tie_breaking,
            "budget": str(self.budget),
            "total_cost": str(self.total_cost),
            "unspent": str(self.budget - self.total_cost),
            "share": self.share,
            "add1_steps": self.add1_steps,
            "comparison": None if self.comparison is None else self.comparison.as_dict(),
            "notes": list(self.notes),
            "projects": [p.as_dict() for p in self.projects],
        }


def greedy_reason(
    *, votes: int, cost: float, funded: bool, left_before: float, position: int, points: float | None = None
) -> str:
    """Greedy's reason; `points` is the total on ballots with points, by which greedy then orders."""
    if points is None:
        score = f"{votes} votes, {position}. in the order by votes"
    else:
        score = f"{votes} votes, {points:g} points, {position}. in the order by points"
    if funded:
        return f"funded: {score}; it fit in the {money(left_before)} left"
    return f"not funded: {score}; its cost {money(cost)} did not fit in the {money(left_before)} left"


def mes_funded_reason(
    *, round_number: int, paid: float, cost: float, supporters: int, max_payment: float
) -> str:
    if cost == 0:
        return "funded: it costs nothing and has supporters"
    return (
        f"funded in round {round_number}: its {supporters} supporters paid {money(round(paid, 2))} "
        f"of its cost {money(cost)}, none more than {money(round(max_payment, 2))}"
    )


def mes_unfunded_reason(*, could_pay: float, cost: float, supporters: int) -> str:
    if supporters == 0:
        return "not funded: nobody voted for it"
    return (
        f"not funded: its {supporters} supporters could still pay {money(round(could_pay, 2))} "
        f"of its cost {money(cost)}"
    )


def phragmen_reason(
    *, funded: bool, round_number: int | None, load: float, cost: float, stopped: bool
) -> str:
    if funded:
        return f"funded in round {round_number}: its supporters' load reached {load:.6g} when it was bought"
    if stopped:
        return (
            f"not funded: it would have been bought next (load {load:.6g}) "
            f"but its cost {money(cost)} exceeds what is left, so the rule stopped"
        )
    if load == float("inf"):
        return "not funded: nobody voted for it"
    return f"not funded: the rule stopped before its supporters could afford it (load {load:.6g})"
