"""pabutools 1.2.3 in float mode, called the way each of our rules is defined (tests and bench only)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pabutools.fractions as pabu_fractions
import pabutools.rules.mes.mes_rule as pabu_mes
import pabutools.rules.phragmen as pabu_phragmen
from pabutools.election import (
    AbstractCardinalProfile,
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
)
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    popularity_comparison,
    sequential_phragmen,
)
from pabutools.tiebreaking import (
    TieBreakingRule,
    app_score_tie_breaking,
    lexico_tie_breaking,
    max_cost_tie_breaking,
    min_cost_tie_breaking,
)

TIES = {
    "lexicographic": lexico_tie_breaking,
    "cost": min_cost_tie_breaking,
    "-cost": max_cost_tie_breaking,
    "votes": app_score_tie_breaking,
}
# pabutools' profiles with points have no approval score: the voters whose ballot names the project.
NAMED_BY_MORE = TieBreakingRule(lambda inst, prof, proj: -sum(1 for ballot in prof if proj in ballot))


def _cost_times_points(instance: Any, profile: Any, ballot: Any, project: Any, precomputed: Any) -> Any:
    return ballot.get(project, 0) * project.cost


class Cost_Points_Sat(AdditiveSatisfaction):
    """A project is worth its cost times the points given it: the engine's greedy on ballots with points.
    pabutools has no such satisfaction (its `Additive_Cardinal_Sat` would make greedy rank by points per
    unit of cost); on approval ballots greedy uses `Cost_Sat`, which this is with one point a project."""

    def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _cost_times_points)


@contextlib.contextmanager
def float_mode() -> Iterator[None]:
    previous = pabu_fractions.FRACTION
    pabu_fractions.FRACTION = pabu_fractions.FLOAT_FRAC
    try:
        yield
    finally:
        pabu_fractions.FRACTION = previous


class _ById(set):  # type: ignore[type-arg]
    """A set of projects that is iterated by project id, not in Python's hash order."""

    def __iter__(self) -> Iterator[Any]:
        return iter(sorted(set.__iter__(self), key=lambda project: project.name))


@contextlib.contextmanager
def set_order_by_id() -> Iterator[None]:
    """pabutools' MES and Phragmén keep the projects in a set, and among projects tied in the tie-breaking
    key the first in the set's order wins: an order that changes from one process to the next with the
    strings' hash seed. Here their sets are iterated by project id, the order the engine falls back on."""
    saved = {module: module.__dict__.get("set") for module in (pabu_mes, pabu_phragmen)}
    for module in saved:
        module.set = _ById  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, previous in saved.items():
            if previous is None:
                del module.set  # type: ignore[attr-defined]
            else:
                module.set = previous  # type: ignore[attr-defined]


def parse(text: str) -> tuple[Any, Any]:
    with float_mode():
        return parse_pabulib_from_string(text)


def winners(
    instance: Any, profile: Any, rule: str, utilities: str = "cost", tie_breaking: str = "lexicographic"
) -> list[str]:
    """The winning project ids, in the order pabutools returns them. On ballots with points (cumulative
    or scoring) the points are the cardinal utilities and greedy's score; Phragmén, which pabutools
    runs on approval ballots only, gets every ballot as approval of the projects it names."""
    points = isinstance(profile, AbstractCardinalProfile)
    sat = Cost_Sat if utilities == "cost" else Additive_Cardinal_Sat if points else Cardinality_Sat
    tie = NAMED_BY_MORE if points and tie_breaking == "votes" else TIES[tie_breaking]
    n = profile.num_ballots()

    def greedy(inst: Any, prof: Any, **kwargs: Any) -> Any:
        kwargs.pop("resoluteness", None)
        greedy_sat = Cost_Points_Sat if points else Cost_Sat
        return greedy_utilitarian_welfare(inst, prof, sat_class=greedy_sat, tie_breaking=tie, **kwargs)

    def mes(inst: Any, prof: Any, **kwargs: Any) -> Any:
        return method_of_equal_shares(inst, prof, sat_class=sat, tie_breaking=tie, **kwargs)

    def add1(inst: Any, prof: Any, **kwargs: Any) -> Any:
        return exhaustion_by_budget_increase(
            inst,
            prof,
            mes,
            {},
            budget_step=n,
            exhaustive_stop=False,
            initial_budget_allocation=kwargs.get("initial_budget_allocation"),
        )

    with float_mode(), set_order_by_id():
        if rule == "greedy":
            outcome = greedy(instance, profile)
        elif rule == "mes":
            outcome = mes(instance, profile)
        elif rule == "mes-add1":
            outcome = add1(instance, profile) if n else []
        elif rule == "mes-add1-comparison":
            # Without voters pabutools would loop for ever (a budget step of 0); the outcomes tie, MES first.
            outcome = popularity_comparison(instance, profile, sat, [add1, greedy])[0] if n else []
        elif rule == "phragmen" and points:
            approvals = ApprovalProfile([ApprovalBallot(ballot) for ballot in profile], instance=instance)
            outcome = sequential_phragmen(instance, approvals, tie_breaking=TIES[tie_breaking])
        elif rule == "phragmen":
            outcome = sequential_phragmen(instance, profile, tie_breaking=tie)
        else:
            raise ValueError(rule)
    return [p.name for p in outcome]
