# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Counting rules for participatory budgeting: greedy, Method of Equal Shares (with Add1 and the
comparison step) and sequential Phragmén, in float arithmetic that follows pabutools 1.2.3 step by step.

What a ballot is worth
----------------------
Approval and choose-1 ballots approve the projects they name, and so do ordinal ballots (their order is
not used). On ballots with points (pabulib's "cumulative", and "scoring" alike, as pabutools reads both
as cardinal ballots) the points a voter gives a project are:

* MES's utilities with cardinal utilities, as pabutools' `Additive_Cardinal_Sat`: a supporter is a voter
  who gave the project more than 0 points, pays min(budget, rho * points), and supporters are taken from
  the lowest budget over points; Add1 and the comparison step (each voter's total points of the funded
  projects) use the same utilities;
* greedy's score: a project is worth its cost times the points to each voter, so greedy takes projects
  by their total points, as by approvals on approval ballots (pabutools' `greedy_utilitarian_welfare`
  with that satisfaction; its own cardinal one would rank by points per unit of cost).

With cost utilities a project is worth its cost to every voter who names it, whatever the points (and 0
points name it too), as pabutools' `Cost_Sat` is. Sequential Phragmén, which pabutools runs on approval
ballots only, reads every ballot as approval of the projects it names. The tie-breaking "votes" counts
the voters who name a project.

Where exactness matters
-----------------------
pabutools' float mode (``pabutools.fractions.FRACTION = "float"``) is the reference. Ties between
projects are decided by `==` on floats, so two mathematically equal ratios computed along different
paths may differ in the last bit and break a tie "by rounding". To give the same winners, this module
performs the same float operations in the same order as pabutools:

* MES walks a project's supporters from the poorest (budget over utility, as pabutools sorts them),
  and forms the running contribution and the remaining utility by sequential sums (``cumsum`` adds
  left to right, as pabutools' loop does); only the poorest supporters, up to the one who can pay
  the equal part, are sorted, which gives the same sequence of values as sorting them all; with
  points, supporters tied in budget over points may differ in budget, so all are sorted, each time
  from the order of the project's previous sort, as pabutools' stable in-place sort leaves them;
* a voter's share is ``budget / n`` and Add1 raises the *total* budget by ``n`` per step, then
  divides, exactly as ``exhaustion_by_budget_increase(..., budget_step=n)``;
* greedy's key (total cost satisfaction over cost), Phragmén's loads and the comparison step's
  satisfactions are summed one voter at a time in pabutools' order.

Two places are not bit-for-bit copies, and can only matter when two quantities agree to within about
1e-9 of each other: the "supporters cannot pay the cost" test sums with numpy (pairwise) and re-sums
one by one, in voter order, only when the total is that close to the cost (pabutools sums in the
order of its last sort, which the engine follows with points; it also runs the test on the first
project past the round's best, which only changes when a project that can never be bought is
dropped); and in very large elections (more than
`GROUPED_ABOVE` voters) Add1 first searches with identical ballots merged (a group of m voters
contributes m*b instead of b+b+...+b), then recomputes the step it found, and the next, voter by
voter. pabutools' default exact (gmpy2) mode breaks such near-ties exactly and can differ from its
own float mode there; the rules here are documented, and tested, against the float mode. Ties proper
(equal floats) are broken by the chosen tie-breaking key, then by project id as text ("10" < "9"),
as in pabutools.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt

from veche.budgeting.engine import explain
from veche.budgeting.engine.explain import Comparison, ProjectOutcome, Result
from veche.budgeting.engine.options import RULES, TIE_BREAKINGS, UTILITIES, RuleError
from veche.budgeting.engine.pabulib import POINT_VOTE_TYPES, Election

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Utilities = Literal["cardinal", "cost"]
Progress = Callable[[str], None]

__all__ = ["RULES", "TIE_BREAKINGS", "UTILITIES", "RuleError", "compute"]
# How often Add1 reports its progress (the callback that a caller's deadline goes through), in seconds.
TICK_SECONDS = 0.5
# Above this many voters Add1 searches over merged identical ballots (see the module docstring).
GROUPED_ABOVE = 20_000


@dataclass(frozen=True)
class Ballots:
    """An election reduced to what the rules need: project arrays and, per project, its supporters.

    A "group" is a voter, or (after `grouped()`) every voter with the same ballot, with `mult` voters in it.
    A project's supporters are the groups whose vote names it. On ballots with points (pabulib's
    "cumulative" and "scoring") `points` gives, aligned with the supporters, the points each one gave
    it; on approval, choose-1 and ordinal ballots it is None and a vote is approval of the projects it
    names (an ordinal ballot's order is not used).
    """

    ids: tuple[str, ...]
    costs: FloatArray
    budget: float
    n_voters: int
    mult: FloatArray
    supporters: tuple[IntArray, ...]  # group indices, ascending
    group_indptr: IntArray  # group -> projects (CSR), for incremental totals
    group_projects: IntArray
    approvals: IntArray  # voters per project
    points: tuple[FloatArray, ...] | None = None  # per project, aligned with `supporters`
    group_points: FloatArray | None = None  # aligned with `group_projects`

    @property
    def n_groups(self) -> int:
        return len(self.mult)

    def grouped(self) -> Ballots:
        """The same election with identical ballots (the same projects, and the same points) merged
        into one group each."""
        if self.group_points is None:
            first, inverse = self._same_approvals()
        else:
            first, inverse = self._same_points(self.group_points)
        counts = np.bincount(inverse, weights=self.mult, minlength=len(first))
        # Keep the groups in the order of their first voter.
        by_first = np.argsort(first, kind="stable")
        keep = first[by_first]
        lengths = np.diff(self.group_indptr)[keep]
        starts = self.group_indptr[keep]
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            int(lengths.sum()), dtype=np.int64
        )
        new_owners = np.repeat(np.arange(len(keep), dtype=np.int64), lengths)
        return _build_flat(
            self.ids,
            self.costs,
            self.budget,
            len(keep),
            new_owners,
            self.group_projects[offsets],
            counts[by_first].astype(np.float64),
            None if self.group_points is None else self.group_points[offsets],
        )

    def _same_approvals(self) -> tuple[IntArray, IntArray]:
        """For each distinct ballot its first group, and for each group its ballot's number."""
        m = len(self.ids)
        words = max(1, (m + 63) // 64)
        # Each ballot as a bit set, so that identical ballots are identical rows.
        owners = np.repeat(np.arange(self.n_groups, dtype=np.int64), np.diff(self.group_indptr))
        bits = np.zeros(self.n_groups * words, dtype=np.uint64)
        flat = self.group_projects
        one_bits = np.left_shift(np.uint64(1), (flat % 64).astype(np.uint64))
        np.add.at(bits, owners * words + flat // 64, one_bits)
        rows = (
            np.ascontiguousarray(bits.reshape(self.n_groups, words))
            .view(np.dtype((np.void, 8 * words)))
            .ravel()
        )
        _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
        return first.astype(np.int64), inverse.ravel().astype(np.int64)

    def _same_points(self, points: FloatArray) -> tuple[IntArray, IntArray]:
        """`_same_approvals` for ballots with points: the same projects with the same points."""
        number: dict[tuple[bytes, bytes], int] = {}
        first: list[int] = []
        inverse = np.empty(self.n_groups, dtype=np.int64)
        indptr = self.group_indptr
        for g in range(self.n_groups):
            start, end = int(indptr[g]), int(indptr[g + 1])
            key = (self.group_projects[start:end].tobytes(), points[start:end].tobytes())
            found = number.setdefault(key, len(number))
            if found == len(first):
                first.append(g)
            inverse[g] = found
        return np.array(first, dtype=np.int64), inverse


def _build_flat(
    ids: tuple[str, ...],
    costs: FloatArray,
    budget: float,
    n_groups: int,
    owners: IntArray,
    flat: IntArray,
    mult: FloatArray,
    flat_points: FloatArray | None = None,
) -> Ballots:
    """From (group, project) pairs sorted by group, then project (with the points, if any, of each)."""
    m = len(ids)
    lengths = np.bincount(owners, minlength=n_groups).astype(np.int64)
    indptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    # A stable sort by project keeps each project's supporters in ascending group order.
    by_project = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[by_project], np.arange(m + 1))
    sorted_owners = owners[by_project]
    supporters = tuple(sorted_owners[bounds[p] : bounds[p + 1]] for p in range(m))
    points = None
    if flat_points is not None:
        sorted_points = flat_points[by_project]
        points = tuple(sorted_points[bounds[p] : bounds[p + 1]] for p in range(m))
    approvals = np.bincount(flat, weights=np.repeat(mult, lengths), minlength=m).astype(np.int64)
    return Ballots(
        ids, costs, budget, int(mult.sum()), mult, supporters, indptr, flat, approvals, points, flat_points
    )


def compile_election(election: Election) -> Ballots:
    ids = tuple(election.projects)
    index = {project_id: i for i, project_id in enumerate(ids)}
    costs = np.array([float(p.cost) for p in election.projects.values()], dtype=np.float64)
    votes = [voter.vote for voter in election.voters]
    lengths = np.fromiter(map(len, votes), dtype=np.int64, count=len(votes))
    flat = np.fromiter((index[p] for vote in votes for p in vote), dtype=np.int64, count=int(lengths.sum()))
    owners = np.repeat(np.arange(len(votes), dtype=np.int64), lengths)
    width = max(len(ids), 1)
    if election.vote_type in POINT_VOTE_TYPES:
        return _with_points(election, ids, costs, owners * width + flat, width)
    # Each ballot as a sorted set of project indices (a vote may, against the format, repeat a project).
    pairs = np.sort(owners * width + flat)
    if len(pairs) > 1:
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return _build_flat(
        ids,
        costs,
        float(election.budget),
        len(votes),
        pairs // width,
        pairs % width,
        np.ones(len(votes), dtype=np.float64),
    )


def _with_points(
    election: Election, ids: tuple[str, ...], costs: FloatArray, pairs: IntArray, width: int
) -> Ballots:
    """`compile_election` for ballots with points: each (voter, project) pair with its points; a project
    named twice keeps the points given last, as pabutools' ballot (a dict) does."""
    for voter in election.voters:
        if voter.vote and (voter.points is None or len(voter.points) != len(voter.vote)):
            raise ValueError(
                f"voter {voter.voter_id!r}: a {election.vote_type} vote needs one point count per project"
            )
    points = np.fromiter(
        (float(p) for voter in election.voters if voter.vote for p in voter.points or ()),
        dtype=np.float64,
        count=len(pairs),
    )
    order = np.argsort(pairs, kind="stable")
    pairs, points = pairs[order], points[order]
    if len(pairs) > 1:
        last = np.concatenate((pairs[1:] != pairs[:-1], [True]))
        pairs, points = pairs[last], points[last]
    return _build_flat(
        ids,
        costs,
        float(election.budget),
        len(election.voters),
        pairs // width,
        pairs % width,
        np.ones(len(election.voters), dtype=np.float64),
        points,
    )


def _tie_key(ballots: Ballots, tie_breaking: str) -> Callable[[int], float | str]:
    """The tie-breaking order's own key, as pabutools' tie-breaking rules sort by it."""
    if tie_breaking == "lexicographic":
        return ballots.ids.__getitem__
    if tie_breaking == "cost":
        return lambda p: float(ballots.costs[p])
    if tie_breaking == "-cost":
        return lambda p: -float(ballots.costs[p])
    if tie_breaking == "votes":
        return lambda p: -float(ballots.approvals[p])
    raise RuleError(f"unknown tie-breaking {tie_breaking!r}; choose from {', '.join(TIE_BREAKINGS)}")


def tie_ranks(ballots: Ballots, tie_breaking: str) -> IntArray:
    """Each project's place in the tie-breaking order; ties in the chosen key fall back to the id."""
    key = _tie_key(ballots, tie_breaking)
    ids = ballots.ids
    ranks = np.empty(len(ids), dtype=np.int64)
    for rank, p in enumerate(sorted(range(len(ids)), key=lambda p: (key(p), ids[p]))):
        ranks[p] = rank
    return ranks


def tie_keys(ballots: Ballots, tie_breaking: str) -> IntArray:
    """Each project's place by the tie-breaking key alone: projects equal in it share a place."""
    key = _tie_key(ballots, tie_breaking)
    values = sorted({key(p) for p in range(len(ballots.ids))}, key=lambda v: (isinstance(v, str), v))
    place = {value: i for i, value in enumerate(values)}
    return np.array([place[key(p)] for p in range(len(ballots.ids))], dtype=np.int64)


def _ballot_entries(ballots: Ballots, groups: IntArray) -> tuple[IntArray, IntArray]:
    """The projects on the ballots of `groups`, concatenated, and each ballot's length."""
    starts = ballots.group_indptr[groups]
    lengths = ballots.group_indptr[groups + 1] - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total, dtype=np.int64)
    return ballots.group_projects[offsets], lengths


def _sequential_sum(values: FloatArray) -> float:
    """Left-to-right sum, as Python's `sum` over floats does (numpy's `sum` is pairwise)."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


# --------------------------------------------------------------------------------------------- greedy


@dataclass(frozen=True)
class GreedyRun:
    winners: list[int]
    order: list[int]
    left_before: dict[int, float]


def greedy(ballots: Ballots, ranks: IntArray) -> GreedyRun:
    """Utilitarian greedy by approvals, or by points: pabutools' `greedy_utilitarian_welfare` with cost
    satisfaction, a project being worth its cost to each voter who names it, times the points given
    it on ballots with points.

    The key is total satisfaction over cost, i.e. the number of approvals (the total points), computed
    as pabutools does (a sequential sum of the cost, times the points, once per supporter, divided by
    the cost); projects without satisfaction come last, and those still fit are taken too. On ballots
    with points pabutools' own cardinal satisfaction (`Additive_Cardinal_Sat`) would rank by points per
    unit of cost, where approval ballots rank by votes, not votes per unit of cost; an approval ballot
    read as one point per project gives here the same order as approvals.
    """
    density: list[float] = []
    for p, sup in enumerate(ballots.supporters):
        cost = float(ballots.costs[p])
        if ballots.points is None:
            total = _sequential_sum(ballots.mult[sup] * cost)
        else:
            total = _sequential_sum(ballots.points[p] * cost * ballots.mult[sup])
        density.append((total / cost if cost > 0 else math.inf) if total > 0 else 0.0)
    order = sorted(range(len(ballots.ids)), key=lambda p: (-density[p], int(ranks[p])))
    remaining = ballots.budget
    winners: list[int] = []
    left_before: dict[int, float] = {}
    for p in order:
        left_before[p] = remaining
        cost = float(ballots.costs[p])
        if cost <= remaining:
            winners.append(p)
            remaining -= cost
    return GreedyRun(winners, order, left_before)


# ------------------------------------------------------------------------------- method of equal shares


@dataclass(frozen=True)
class MesRun:
    share: float
    winners: list[int]  # zero-cost projects first, then in the order bought
    rho: dict[int, float]  # price per unit of utility at which each winner was bought
    paid: dict[int, float]  # what its supporters paid in total
    budgets: FloatArray  # what each group has left at the end (per voter of the group)
    # With utilities that differ between supporters (points): the most one of them paid.
    most: dict[int, float] = field(default_factory=dict)


class Mes:
    """The Method of Equal Shares on one election with one utility, ready to run at any voter share.

    With cost utilities a project is worth its cost to every voter who names it (pabutools' `Cost_Sat`,
    which ignores points). With cardinal utilities it is worth 1 (`Cardinality_Sat`), or on ballots with
    points the points given it (`Additive_Cardinal_Sat`): then only voters who gave it more than 0
    points support it, as pabutools counts a supporter by a positive satisfaction."""

    def __init__(
        self, ballots: Ballots, utilities: Utilities, ranks: IntArray, keys: IntArray | None = None
    ) -> None:
        if utilities not in UTILITIES:
            raise RuleError(f"unknown utilities {utilities!r}; choose from {', '.join(UTILITIES)}")
        self.ballots = ballots
        self.cost_utilities = utilities == "cost"
        self.ranks = ranks
        self.keys = ranks if keys is None else keys
        b = ballots
        m = len(b.ids)
        # Each project's utility to its supporters: one number (`sat`), or the points of each (`utility`).
        self.sat = b.costs.copy() if self.cost_utilities else np.ones(m, dtype=np.float64)
        self.supporters = b.supporters
        self.utility: tuple[FloatArray, ...] | None = None
        if b.points is not None and not self.cost_utilities:
            positive = [points > 0 for points in b.points]
            self.supporters = tuple(sup[k] for sup, k in zip(b.supporters, positive, strict=True))
            self.utility = tuple(points[k] for points, k in zip(b.points, positive, strict=True))
        # Sums of whole numbers of points are exact in any order (see `_affine_price`).
        self.whole = self.utility is None or all(bool((u == np.round(u)).all()) for u in self.utility)
        self.total = np.zeros(m, dtype=np.float64)
        self.zero_cost: list[int] = []
        self.candidates: list[int] = []
        for p, sup in enumerate(self.supporters):
            if not len(sup):
                continue
            # pabutools adds the utility once per supporter, starting from 0.
            self.total[p] = _sequential_sum(b.mult[sup] * self.utilities_of(p))
            if self.total[p] > 0 and b.costs[p] > 0:
                self.candidates.append(p)
            elif self.total[p] > 0:
                self.zero_cost.append(p)
        self.initial_afford = [
            float(b.costs[p] / self.total[p]) if self.total[p] > 0 else math.inf for p in range(m)
        ]
        self.fundable = set(self.candidates) | set(self.zero_cost)
        self.unit = bool(np.all(b.mult == 1.0))
        self.weights = [b.mult[sup] for sup in self.supporters]  # voters in each supporting group
        self.arange = np.arange(max((len(s) for s in self.supporters), default=0), dtype=np.float64)
        self._twins: list[int] | None = None

    def utilities_of(self, p: int) -> float | FloatArray:
        """What p is worth to each of its supporters: one number for all, or one each (aligned with them)."""
        return float(self.sat[p]) if self.utility is None else self.utility[p]

    def twins(self) -> list[int]:
        """For each project, the first project with the same cost and the same supporters (and utilities)."""
        if self._twins is None:
            first: dict[tuple[float, bytes, bytes, bytes], int] = {}
            b = self.ballots
            utility = self.utility
            self._twins = [
                first.setdefault(
                    (
                        float(b.costs[p]),
                        sup.tobytes(),
                        b.mult[sup].tobytes(),
                        b"" if utility is None else utility[p].tobytes(),
                    ),
                    p,
                )
                for p, sup in enumerate(self.supporters)
            ]
        return self._twins

    def run(self, share: float, *, details: bool = True) -> MesRun:
        """MES with each voter's budget `share`. Without `details`, what the supporters paid is left out
        (Add1 needs it only for the outcome it keeps)."""
        b = self.ballots
        costs = b.costs
        mult = b.mult
        budgets = np.full(b.n_groups, share, dtype=np.float64)
        prefix = [32] * len(b.ids)  # how many of the poorest supporters to look at first, per project
        # With points: each project's supporters in the order of its last sort (see `_price_by_points`).
        orders: list[IntArray | None] = [None] * len(b.ids)
        afford = list(self.initial_afford)
        active = list(self.candidates)
        winners = list(self.zero_cost)
        rho: dict[int, float] = dict.fromkeys(self.zero_cost, 0.0)
        paid: dict[int, float] = dict.fromkeys(self.zero_cost, 0.0) if details else {}
        most: dict[int, float] = {}
        while True:
            best = math.inf
            tied: list[int] = []
            opened_at: dict[int, float] = {}  # the price each project had when the round began
            for p in sorted(active, key=afford.__getitem__):
                if afford[p] > best:
                    # pabutools first drops this project if its supporters cannot pay for it any more;
                    # that changes nothing but when it is dropped (it could never be bought), so it is
                    # left for the round that evaluates it.
                    break
                values = budgets[self.supporters[p]]
                if self._available(p, values, orders) < float(costs[p]):
                    active.remove(p)
                    continue
                if self.utility is None:
                    found = self._price(p, values, prefix)
                else:
                    found = self._price_by_points(p, values, self.utility[p], orders)
                if found is not None:
                    factor = found
                    opened_at[p] = afford[p]
                    afford[p] = factor
                    if factor < best:
                        best = factor
                        tied = [p]
                    elif factor == best:
                        tied.append(p)
            if not tied:
                return MesRun(share, winners, rho, paid, budgets, most)
            # pabutools looks at the projects by the price they had when the round began (then in the
            # order of a Python set, here by id) and sorts the tied ones by the tie-breaking key alone.
            chosen = min(tied, key=lambda p: (int(self.keys[p]), opened_at[p], int(self.ranks[p])))
            winners.append(chosen)
            active.remove(chosen)
            rho[chosen] = best
            sup = self.supporters[chosen]
            before = budgets[sup]
            payment = np.minimum(before, best * self.utilities_of(chosen))
            budgets[sup] = before - payment
            if details:
                paid[chosen] = _sequential_sum(payment * mult[sup])
                if self.utility is not None:
                    most[chosen] = float(payment.max())

    def _available(self, p: int, values: FloatArray, orders: list[IntArray | None]) -> float:
        """What p's supporters, with budgets `values`, have left in all."""
        weighted = values if self.unit else values * self.weights[p]
        available = float(weighted.sum())
        cost = float(self.ballots.costs[p])
        if abs(available - cost) <= 1e-9 * max(cost, available):
            # Too close to call with numpy's pairwise sum: add up one by one, as pabutools does (with
            # points, in the order of the project's last sort, as pabutools does too).
            order = orders[p]
            available = _sequential_sum(weighted if order is None else weighted[order])
        return available

    def _price(self, p: int, values: FloatArray, prefix: list[int]) -> float | None:
        """The smallest price per unit of utility at which p's supporters can pay its cost, or None.

        As pabutools does: go through the supporters from the poorest (budget over utility), each
        time asking whether the rest, sharing the remaining cost equally per unit of utility, can pay;
        the contribution so far and the remaining utility are summed one supporter at a time. Only
        the poorest few are sorted (those who cannot pay their equal part); more if needed.
        """
        b = self.ballots
        s = float(self.sat[p])
        keys = values / s if self.cost_utilities else values
        k = len(keys)
        cost = float(b.costs[p])
        total = float(self.total[p])
        # Whoever cannot pay an equal part of the cost is certainly among those who pay everything.
        capped = int((keys < cost / total).sum()) if k > 256 else k
        q = min(k, max(prefix[p], 2 * capped + 32))
        while True:
            if q < k:
                chosen = keys.argpartition(q - 1)[:q]
                chosen = chosen[keys[chosen].argsort(kind="stable")]
            else:
                chosen = keys.argsort(kind="stable")
            poorest = values[chosen]
            contribution = np.empty_like(poorest)
            contribution[0] = 0.0
            if self.unit:
                poorest[:-1].cumsum(out=contribution[1:])
                if self.cost_utilities:
                    steps = np.full(q, -s)
                    steps[0] = total
                    remaining_utility = steps.cumsum()
                else:
                    remaining_utility = total - self.arange[:q]
            else:
                weights = self.weights[p][chosen]
                (weights * poorest)[:-1].cumsum(out=contribution[1:])
                steps = weights * -s
                steps[1:] = steps[:-1]
                steps[0] = total
                remaining_utility = steps.cumsum()
            factors = (cost - contribution) / remaining_utility
            fits = factors * s <= poorest
            first = int(fits.argmax())
            if fits[first]:
                prefix[p] = 2 * (first + 1) + 16
                return float(factors[first])
            if q >= k:
                return None
            q = min(k, 8 * q)

    def _price_by_points(
        self, p: int, values: FloatArray, utility: FloatArray, orders: list[IntArray | None]
    ) -> float | None:
        """`_price` when each supporter's utility is the points they gave.

        Supporters with the same budget over utility may then differ in budget and utility, and the
        order among them changes the sums: pabutools sorts the project's list of supporters in place,
        with a stable sort, each time it looks at the project, so that ties stay in the order of the
        previous sort. The same is done here, with every supporter sorted each time."""
        previous = orders[p]
        keys = values / utility
        order = (
            keys.argsort(kind="stable")
            if previous is None
            else previous[keys[previous].argsort(kind="stable")]
        )
        orders[p] = order
        poorest = values[order]
        utility = utility[order]
        weights = self.weights[p][order]
        contribution = np.empty_like(poorest)
        contribution[0] = 0.0
        (weights * poorest)[:-1].cumsum(out=contribution[1:])
        steps = np.empty_like(poorest)
        steps[0] = self.total[p]
        steps[1:] = -(weights * utility)[:-1]
        factors = (float(self.ballots.costs[p]) - contribution) / steps.cumsum()
        fits = factors * utility <= poorest
        first = int(fits.argmax())
        return float(factors[first]) if fits[first] else None

    def outcome_cost(self, run: MesRun) -> float:
        # pabutools' total_cost: a sequential sum over the allocation, in its order.
        total = 0.0
        for p in run.winners:
            total += float(self.ballots.costs[p])
        return total


@dataclass(frozen=True)
class Add1Run:
    run: MesRun
    raised: int  # how many times the share was raised by one unit for the outcome kept
    runs: int  # MES runs made to find it (not counting the one that adds what its supporters paid)


def add1(mes: Mes, progress: Progress | None = None) -> Add1Run:
    """MES with the Add1 completion, as pabutools' `exhaustion_by_budget_increase` with
    `budget_step = n` and `exhaustive_stop=False`: the total budget grows by n (one unit per voter)
    per step, and the last outcome that fits the real budget is kept.

    Steps whose outcome cannot differ from the last one are not run (see `_stable_until`), so the
    result is that of running every step, in far fewer runs when the share is large."""
    b = mes.ballots
    if b.n_voters == 0:
        return Add1Run(MesRun(0.0, [], {}, {}, np.zeros(0)), 0, 0)
    if b.n_voters > GROUPED_ABOVE and b.n_groups == b.n_voters:
        return _add1_grouped(mes, progress)
    return _add1_scan(mes, progress)


class _Limits:
    """The total budget after k raises, as pabutools computes it: the budget plus n, k times over.

    Adding a whole n to a float is exact as long as the sum stays below the next power of two (and
    below 2**53): the sums are taken a power of two at a time, and one by one across each power."""

    def __init__(self, budget: float, n: int) -> None:
        self.budget = budget
        self.n = n
        self.bound = budget * (n + 1)  # pabutools' default budget_bound
        self.whole = budget.is_integer() and self.bound + n < 2.0**53  # then every sum is exact
        self.end = self._search(lambda k: self(k) > self.bound)  # the first raise past the bound

    def __call__(self, k: int) -> float:
        if self.whole:
            return self.budget + float(k * self.n)
        limit, at, n = self.budget, 0, self.n
        while at < k:
            ceiling = 2.0 ** math.frexp(limit)[1]
            steps = min(k - at, math.ceil((ceiling - limit) / n) - 1) if ceiling <= 2.0**53 else 0
            while steps > 0 and limit + steps * n >= ceiling:
                steps -= 1
            if steps > 0:
                limit, at = limit + float(steps * n), at + steps
            else:
                limit, at = limit + n, at + 1
        return limit

    def _search(self, past: Callable[[int], bool], low: int = 0) -> int:
        """The first raise from `low` for which `past` holds (it holds for every raise after it)."""
        high = max(low, 1)
        while not past(high):
            low, high = high, 2 * high
        while low < high:
            middle = (low + high) // 2
            if past(middle):
                high = middle
            else:
                low = middle + 1
        return low

    def first_at_or_above(self, share: float, after: int) -> int:
        """The first raise after `after` whose share is at least `share`; `end` if none within the bound."""
        if share == math.inf:
            return self.end
        found = self._search(lambda k: k >= self.end or self(k) / self.n >= share, after + 1)
        return min(found, self.end)


def _add1_scan(
    mes: Mes,
    progress: Progress | None,
    start: int = 0,
    previous: MesRun | None = None,
    runs: int = 0,
    details: bool = True,
) -> Add1Run:
    """Runs MES at raise `start` and on, until an outcome exceeds the budget (or buys everything); with
    `details`, the outcome kept comes with what its supporters paid (the runs of the scan leave it out).

    After a run whose outcome fits, `_stable_until` gives the share up to which nothing the run decided
    can turn out otherwise; the steps before it would repeat this outcome and are skipped. A skip is
    checked where the scan stops: the step before the stopping one is run, and must give the outcome
    the skip started from; if it does not, the scan goes back and runs every step from there."""
    b = mes.ballots
    n = b.n_voters
    limits = _Limits(b.budget, n)
    kept = previous if previous is not None else MesRun(b.budget / n, [], {}, {}, np.zeros(0))
    kept_raised = start - 1 if previous is not None else 0
    ticker = _Ticker(progress)
    raised = start
    skipped_from: tuple[int, list[int]] | None = None  # the raise a skip started from, and its winners
    no_skips_before = -1  # after a failed check, every step up to this one is run
    wait, backoff = 0, 1  # how many runs to make before looking ahead again, and the next such wait

    def unskip(skip: tuple[int, list[int]], stopping_at: int) -> bool:
        """The check at the end of a skip: the outcome just before `stopping_at` is the one skipped over."""
        nonlocal kept, kept_raised, runs, raised, skipped_from, no_skips_before
        origin, winners = skip
        skipped_from = None
        if stopping_at - 1 == origin:
            return True
        before = mes.run(limits(stopping_at - 1) / n, details=False)
        runs += 1
        if before.winners == winners:
            kept, kept_raised = before, stopping_at - 1
            return True
        raised, no_skips_before = origin + 1, stopping_at
        return False

    while True:
        if raised >= limits.end:
            if skipped_from is not None and not unskip(skipped_from, raised):
                continue
            break
        run = mes.run(limits(raised) / n, details=False)
        runs += 1
        ticker.tick(run)
        if not mes.outcome_cost(run) <= b.budget:
            if skipped_from is not None and not unskip(skipped_from, raised):
                continue
            break
        skipped_from = None
        kept, kept_raised = run, raised
        if set(run.winners) == mes.fundable:
            break  # every project with supporters is bought; a larger share cannot change that
        if raised < no_skips_before or wait > 0:
            wait = max(0, wait - 1)
            raised += 1
            continue
        until = _stable_until(mes, run, limits(raised + 1) / n)
        following = limits.first_at_or_above(until - _NEAR * until, raised)
        if following - raised >= 4:
            backoff = 1
        else:
            # Looking ahead costs a few runs: after one that skips little, make more runs before the next.
            wait, backoff = backoff, min(4 * backoff, 4096)
        if following > raised + 1:
            skipped_from = (raised, run.winners)
        raised = following
    if details and kept.winners:
        kept = mes.run(kept.share)
    return Add1Run(kept, kept_raised, runs)


def _add1_grouped(mes: Mes, progress: Progress | None) -> Add1Run:
    """Add1 for very large elections: find the stopping step with identical ballots merged, then
    recompute the outcomes on both sides of it voter by voter and go on from there if they disagree."""
    b = mes.ballots
    fast = Mes(b.grouped(), "cost" if mes.cost_utilities else "cardinal", mes.ranks, mes.keys)
    found = _add1_scan(fast, progress, details=False)
    if found.raised == 0 and not found.run.winners:
        return _add1_scan(mes, progress, runs=found.runs)
    exact = _add1_scan(mes, None, start=found.raised, runs=found.runs)
    if exact.raised == found.raised and exact.run.winners:
        # The outcome at the step the merged search kept fits, and the next one does not (or the
        # search ended because everything was bought): the same decision as voter by voter.
        return exact
    if exact.raised > found.raised:
        return exact
    # The step the merged search kept does not fit voter by voter: count from the start.
    return _add1_scan(mes, progress, runs=exact.runs)


class _Ticker:
    """Reports progress at most once every `TICK_SECONDS`. The callback may raise to stop the count
    (a caller's deadline): with the look-ahead that should only be needed as a safety net."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.next = time.monotonic() + TICK_SECONDS

    def tick(self, run: MesRun) -> None:
        if self.progress is not None and time.monotonic() >= self.next:
            self.progress(f"add1: share {run.share:.2f} per voter, {len(run.winners)} projects")
            self.next = time.monotonic() + TICK_SECONDS


# How near to zero (relative to the quantities compared) a difference must be to count as a tie that
# rounding decides; such a run gives no look-ahead.
_NEAR = 1e-9


class _NoSkip(Exception):
    """The run's outcome may change before the next step: nothing to skip."""


class _Horizon:
    """The smallest share above `share` at which one of the run's comparisons may change sign.

    Each comparison is a + b * share on the range where the run's choices stay the same (which voters
    pay all they have, which project is bought); it keeps its sign up to its root. As soon as that is
    below `worth` (the next step's share), `_NoSkip` ends the look-ahead."""

    def __init__(self, share: float, worth: float) -> None:
        self.share = share
        self.worth = worth
        self.until = math.inf

    def keep_signs(self, values: FloatArray, slopes: FloatArray, scales: FloatArray) -> None:
        if not len(values):
            return
        if bool((np.abs(values) <= _NEAR * scales).any()):
            raise _NoSkip
        turning = values * slopes < 0
        if turning.any():
            self.until = min(self.until, self.share + float((-values[turning] / slopes[turning]).min()))
            if self.until < self.worth:
                raise _NoSkip

    def keep_sign(self, value: float, slope: float, scale: float) -> None:
        self.keep_signs(np.array([value]), np.array([slope]), np.array([scale]))


def _stable_until(mes: Mes, run: MesRun, worth: float) -> float:
    """A share up to which (exclusive) MES gives `run`'s winners, in the same order.

    The run is replayed with every voter's budget written as intercept + slope * share. While the
    same voters pay all they have for the same projects bought in the same order, every budget and
    every price per unit of utility is such an affine function; the outcome can only change where one
    of the comparisons the run made (a project affordable or not, a supporter paying all or the equal
    part, one price below another) changes sign. Where two prices are equal up to rounding, rounding
    decides the tie and may decide it otherwise at the next step: the answer is then `run.share`
    (nothing is skipped), unless the two projects have the same supporters and cost, whose prices are
    computed alike at every share. The look-ahead ends early, with `run.share`, once the answer is
    below `worth`.

    It replays the bought projects alone first, with their own comparisons (their supporters able to
    pay, each paying all or the equal part): with many voters one of those turns between any two
    steps, and the replay that finds it costs about one run, where pricing every project in every
    round up to that point costs several."""
    try:
        if _look_ahead(mes, run, _Horizon(run.share, worth), rivals=False) < worth:
            return run.share
        return _look_ahead(mes, run, _Horizon(run.share, worth))
    except _NoSkip:
        return run.share


def _look_ahead(mes: Mes, run: MesRun, horizon: _Horizon, rivals: bool = True) -> float:
    """`_stable_until`'s replay; without `rivals`, of the bought projects alone (its answer then bounds
    the whole replay's from above)."""
    b = mes.ballots
    share = run.share
    intercept = np.zeros(b.n_groups, dtype=np.float64)
    slope = np.ones(b.n_groups, dtype=np.float64)
    twins = mes.twins()
    active = list(mes.candidates)
    for chosen in run.winners[len(mes.zero_cost) :]:
        prices: dict[int, tuple[float, float, float, bool]] = {}  # at the share, intercept, slope, fixed
        # The bought project first: its own comparisons are the likeliest to end the look-ahead.
        for q in sorted(active, key=lambda q: q != chosen) if rivals else [chosen]:
            priced = _affine_price(mes, q, intercept, slope, horizon)
            if priced is not None:
                prices[q] = priced
        if chosen not in prices:
            return share
        best, best_a, best_b, best_fixed = prices[chosen]
        for q, (price, _, price_b, fixed) in prices.items():
            if q == chosen:
                continue
            if fixed and best_fixed:
                # Fixed prices are cost over the others' utility at every share in the range: the same
                # floats, compared the same way. A tie that the tie-breaking key does not settle goes
                # to the prices the two had when the round began, which may move with the share.
                if price == best and mes.keys[q] == mes.keys[chosen] and twins[q] != twins[chosen]:
                    raise _NoSkip
                continue
            gap = price - best
            if gap < 0:
                return share
            if gap <= _NEAR * price and twins[q] == twins[chosen]:
                continue
            horizon.keep_sign(gap, price_b - best_b, price)
        sup = mes.supporters[chosen]
        utility = mes.utilities_of(chosen)
        values = intercept[sup] + slope[sup] * share
        poor = values < best * utility
        intercept[sup] = np.where(poor, 0.0, intercept[sup] - best_a * utility)
        slope[sup] = np.where(poor, 0.0, slope[sup] - best_b * utility)
        active = [q for q in prices if q != chosen]
    if not rivals:
        return horizon.until
    for q in active:
        sup = mes.supporters[q]
        weights = b.mult[sup]
        cost = float(b.costs[q])
        available = float((weights * (intercept[sup] + slope[sup] * share)).sum())
        if available >= cost:
            return share
        horizon.keep_sign(available - cost, float((weights * slope[sup]).sum()), cost)
    return horizon.until


def _affine_price(
    mes: Mes, q: int, intercept: FloatArray, slope: FloatArray, horizon: _Horizon
) -> tuple[float, float, float, bool] | None:
    """q's price per unit of utility at the share, as intercept + slope * share, and whether it is
    fixed (only those with nothing left pay all they have); None if its supporters cannot pay its
    cost. The comparisons that decide these go to `horizon`."""
    b = mes.ballots
    share = horizon.share
    sup = mes.supporters[q]
    weights = b.mult[sup]
    cost = float(b.costs[q])
    a = intercept[sup]
    s = slope[sup]
    values = a + s * share
    available = float((weights * values).sum())
    horizon.keep_sign(available - cost, float((weights * s).sum()), cost)
    if available < cost:
        return None
    # Supporters from the poorest (budget over utility), with the utility of each in that order.
    utility: float | FloatArray
    if mes.utility is None:
        utility = float(mes.sat[q])
        order = np.argsort(values, kind="stable")
        utility_after = utility * np.cumsum(weights[order][::-1])[::-1]
    else:
        order = np.argsort(values / mes.utility[q], kind="stable")
        utility = mes.utility[q][order]
        utility_after = np.cumsum((weights[order] * utility)[::-1])[::-1]
    paid_before = np.concatenate(([0.0], np.cumsum((weights * values)[order])[:-1]))
    factors = (cost - paid_before) / utility_after
    fits = factors * utility <= values[order]
    if not fits.any():
        raise _NoSkip
    first = int(fits.argmax())
    poor = order[:first]
    if mes.utility is None:
        rich_utility = utility * (weights.sum() - weights[poor].sum())
    else:
        rich_utility = float(utility_after[first])
    price_a = (cost - float((weights[poor] * a[poor]).sum())) / rich_utility
    price_b = -float((weights[poor] * s[poor]).sum()) / rich_utility
    price = float(factors[first])
    # Who pays all they have keeps doing so, and who pays the equal part can still afford it.
    part = price * utility
    margins = np.where(np.arange(len(values)) < first, part - values[order], values[order] - part)
    margin_slopes = np.where(
        np.arange(len(values)) < first, price_b * utility - s[order], s[order] - price_b * utility
    )
    scales = np.maximum(np.abs(values[order]), part) + cost * 1e-6
    horizon.keep_signs(margins, margin_slopes, scales)
    # Supporters who have nothing left pay nothing at any share: the price is then computed from the
    # same floats at every share of the range (with points, only if they are whole numbers: the order
    # in which those supporters' points are taken off may change with the share, and their sum with it).
    fixed = mes.whole and not bool((a[poor] != 0).any() or (s[poor] != 0).any())
    return price, price_a, price_b, fixed


def compare_with_greedy(mes: Mes, mes_winners: list[int], greedy_winners: list[int]) -> tuple[int, int]:
    """pabutools' `popularity_comparison`: voters who weakly prefer each outcome (indifferent ones count
    for both), by the utilities MES used (with points, every point a voter gave, as pabutools' cardinal
    satisfaction counts them, not only those of MES's supporters)."""
    b = mes.ballots
    sat_mes = np.zeros(b.n_groups, dtype=np.float64)
    sat_greedy = np.zeros(b.n_groups, dtype=np.float64)
    for sats, winners in ((sat_mes, mes_winners), (sat_greedy, greedy_winners)):
        for p in winners:
            sats[b.supporters[p]] += mes.sat[p] if mes.utility is None or b.points is None else b.points[p]
    mes_support = int(b.mult[sat_mes >= sat_greedy].sum())
    greedy_support = int(b.mult[sat_greedy >= sat_mes].sum())
    return mes_support, greedy_support


# ------------------------------------------------------------------------------------ sequential Phragmén


@dataclass(frozen=True)
class PhragmenRun:
    winners: list[int]
    load: dict[int, float]  # the load at which each winner was bought
    last_loads: dict[int, float]  # for the others: the load they would have needed when the rule ended
    blocked: list[int]  # projects next in line whose cost no longer fit, which stopped the rule
    too_expensive: list[int]  # projects costing more than the whole budget, never considered


def phragmen(ballots: Ballots, ranks: IntArray) -> PhragmenRun:
    """Sequential Phragmén as pabutools' `sequential_phragmen`: stops at the first project in line
    that no longer fits (it does not skip it)."""
    b = ballots
    loads = np.zeros(b.n_groups, dtype=np.float64)
    projects = [p for p in range(len(b.ids)) if b.costs[p] <= b.budget]
    too_expensive = [p for p in range(len(b.ids)) if not b.costs[p] <= b.budget]
    sums = dict.fromkeys(projects, 0.0)
    spent = 0.0
    winners: list[int] = []
    bought: dict[int, float] = {}
    last: dict[int, float] = {}
    blocked: list[int] = []
    while projects:
        best: float | None = None
        tied: list[int] = []
        for p in projects:
            count = int(b.approvals[p])
            new_load = math.inf if count == 0 else (sums[p] + float(b.costs[p])) / count
            last[p] = new_load
            if best is None or new_load < best:
                best = new_load
                tied = [p]
            elif new_load == best:
                tied.append(p)
        if best is None:  # pragma: no cover - `projects` is not empty
            break
        too_big = [p for p in tied if spent + float(b.costs[p]) > b.budget]
        if too_big:
            blocked = too_big
            break
        chosen = min(tied, key=lambda p: int(ranks[p]))
        sup = b.supporters[chosen]
        loads[sup] = best
        winners.append(chosen)
        bought[chosen] = best
        projects.remove(chosen)
        spent += float(b.costs[chosen])
        touched = np.zeros(len(b.ids), dtype=bool)
        touched[_ballot_entries(b, sup)[0]] = True
        for p in projects:
            if touched[p]:
                o = b.supporters[p]
                sums[p] = _sequential_sum(b.mult[o] * loads[o])
    return PhragmenRun(winners, bought, last, blocked, too_expensive)


# ------------------------------------------------------------------------------------------- the count


def compute(
    election: Election,
    rule: str,
    *,
    utilities: str = "cost",
    tie_breaking: str = "lexicographic",
    progress: Progress | None = None,
) -> Result:
    """Count `election` with `rule`; `utilities` applies to the MES rules (and their comparison step)."""
    if rule not in RULES:
        raise RuleError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}")
    if utilities not in UTILITIES:
        raise RuleError(f"unknown utilities {utilities!r}; choose from {', '.join(UTILITIES)}")
    ballots = compile_election(election)
    ranks = tie_ranks(ballots, tie_breaking)
    costs = [p.cost for p in election.projects.values()]
    budget = election.budget
    if rule == "greedy":
        run = greedy(ballots, ranks)
        return _result(
            election,
            rule,
            None,
            tie_breaking,
            run.winners,
            costs,
            budget,
            _explain_greedy(ballots, run, costs),
        )
    if rule == "phragmen":
        prun = phragmen(ballots, ranks)
        return _result(
            election,
            rule,
            None,
            tie_breaking,
            prun.winners,
            costs,
            budget,
            _explain_phragmen(ballots, prun, costs),
        )
    mes = Mes(ballots, "cost" if utilities == "cost" else "cardinal", ranks, tie_keys(ballots, tie_breaking))
    if rule == "mes":
        mrun = (
            mes.run(ballots.budget / ballots.n_voters)
            if ballots.n_voters
            else MesRun(0.0, [], {}, {}, np.zeros(0))
        )
        return _result(
            election,
            rule,
            utilities,
            tie_breaking,
            mrun.winners,
            costs,
            budget,
            _explain_mes(mes, mrun, costs),
            share=mrun.share,
        )
    completed = add1(mes, progress)
    mrun = completed.run
    if rule == "mes-add1":
        return _result(
            election,
            rule,
            utilities,
            tie_breaking,
            mrun.winners,
            costs,
            budget,
            _explain_mes(mes, mrun, costs),
            share=mrun.share,
            add1_steps=completed.raised,
        )
    grun = greedy(ballots, ranks)
    if [ballots.ids[p] for p in mrun.winners] == [ballots.ids[p] for p in grun.winners]:
        mes_support = greedy_support = ballots.n_voters
    else:
        mes_support, greedy_support = compare_with_greedy(mes, mrun.winners, grun.winners)
    keep_greedy = greedy_support > mes_support
    comparison = Comparison(mes_support, greedy_support, "greedy" if keep_greedy else "mes", utilities)
    if keep_greedy:
        outcomes = _explain_greedy(ballots, grun, costs)
        note = (
            f"greedy kept: {greedy_support} voters weakly prefer its outcome, "
            f"{mes_support} that of MES with Add1"
        )
        return _result(
            election,
            rule,
            utilities,
            tie_breaking,
            grun.winners,
            costs,
            budget,
            outcomes,
            share=mrun.share,
            add1_steps=completed.raised,
            comparison=comparison,
            notes=(note,),
        )
    note = f"MES kept: {mes_support} voters weakly prefer its outcome, {greedy_support} that of greedy"
    return _result(
        election,
        rule,
        utilities,
        tie_breaking,
        mrun.winners,
        costs,
        budget,
        _explain_mes(mes, mrun, costs),
        share=mrun.share,
        add1_steps=completed.raised,
        comparison=comparison,
        notes=(note,),
    )


def _result(
    election: Election,
    rule: str,
    utilities: str | None,
    tie_breaking: str,
    winners: list[int],
    costs: list[Decimal],
    budget: Decimal,
    outcomes: list[ProjectOutcome],
    *,
    share: float | None = None,
    add1_steps: int | None = None,
    comparison: Comparison | None = None,
    notes: tuple[str, ...] = (),
) -> Result:
    ids = list(election.projects)
    return Result(
        rule=rule,
        utilities=utilities,
        tie_breaking=tie_breaking,
        winners=tuple(ids[p] for p in winners),
        budget=budget,
        total_cost=sum((costs[p] for p in winners), Decimal(0)),
        projects=tuple(outcomes),
        share=share,
        add1_steps=add1_steps,
        comparison=comparison,
        notes=notes,
    )


def _explain_greedy(ballots: Ballots, run: GreedyRun, costs: list[Decimal]) -> list[ProjectOutcome]:
    funded = set(run.winners)
    position = {p: i + 1 for i, p in enumerate(run.order)}
    outcomes = []
    for p, project_id in enumerate(ballots.ids):
        votes = int(ballots.approvals[p])
        points = None
        if ballots.points is not None:
            points = _sequential_sum(ballots.points[p] * ballots.mult[ballots.supporters[p]])
        reason = explain.greedy_reason(
            votes=votes,
            cost=float(ballots.costs[p]),
            funded=p in funded,
            left_before=run.left_before[p],
            position=position[p],
            points=points,
        )
        round_number = run.winners.index(p) + 1 if p in funded else None
        outcomes.append(ProjectOutcome(project_id, costs[p], votes, p in funded, reason, round_number))
    return outcomes


def _explain_mes(mes: Mes, run: MesRun, costs: list[Decimal]) -> list[ProjectOutcome]:
    b = mes.ballots
    funded = {p: i + 1 for i, p in enumerate(run.winners)}
    outcomes = []
    for p, project_id in enumerate(b.ids):
        sup = mes.supporters[p]
        votes = int(b.mult[sup].sum())
        cost = float(b.costs[p])
        if p in funded:
            reason = explain.mes_funded_reason(
                round_number=funded[p],
                paid=run.paid[p],
                cost=cost,
                supporters=votes,
                max_payment=run.most.get(p, run.rho[p] * float(mes.sat[p])),
            )
            outcomes.append(ProjectOutcome(project_id, costs[p], votes, True, reason, funded[p], run.paid[p]))
            continue
        # MES stops when no project's supporters can pay for it, so this is below the cost.
        could_pay = _sequential_sum(b.mult[sup] * run.budgets[sup]) if len(sup) and len(run.budgets) else 0.0
        reason = explain.mes_unfunded_reason(could_pay=could_pay, cost=cost, supporters=votes)
        outcomes.append(ProjectOutcome(project_id, costs[p], votes, False, reason, None, could_pay))
    return outcomes


def _explain_phragmen(ballots: Ballots, run: PhragmenRun, costs: list[Decimal]) -> list[ProjectOutcome]:
    funded = {p: i + 1 for i, p in enumerate(run.winners)}
    outcomes = []
    for p, project_id in enumerate(ballots.ids):
        votes = int(ballots.approvals[p])
        if p in run.too_expensive:
            reason = f"not funded: its cost {explain.money(float(ballots.costs[p]))} exceeds the whole budget"
        else:
            load = run.load.get(p, run.last_loads.get(p, math.inf))
            reason = explain.phragmen_reason(
                funded=p in funded,
                round_number=funded.get(p),
                load=load,
                cost=float(ballots.costs[p]),
                stopped=p in run.blocked,
            )
        outcomes.append(ProjectOutcome(project_id, costs[p], votes, p in funded, reason, funded.get(p)))
    return outcomes
