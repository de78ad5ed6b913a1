# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Seeded synthetic approval elections shaped like large city PBs, for tests and benchmarks.

Popularity follows a power law over the projects, half of the ballots approve a single project and
the rest approve 2 or more (geometrically distributed), costs are log-uniform, and the budget is
25-40 % of the total cost: the shape the pabulib spec describes for Warsaw 2021 or Łódź 2022. With
`max_points`, the ballots are cumulative: each project on a ballot gets 1 to `max_points` points.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from veche.budgeting.engine.pabulib import Election, Project, Voter

WARSAW_2021 = (95_899, 106)


def synthetic_election(
    n_voters: int,
    n_projects: int,
    *,
    seed: int,
    min_cost: int = 20_000,
    max_cost: int = 2_000_000,
    exponent: float = 1.1,
    max_points: int = 0,
) -> Election:
    rng = np.random.default_rng(seed)
    costs = np.round(np.exp(rng.uniform(np.log(min_cost), np.log(max_cost), n_projects)) / 100) * 100
    popularity = 1.0 / np.arange(1, n_projects + 1) ** exponent
    popularity = popularity[rng.permutation(n_projects)]
    popularity /= popularity.sum()
    budget = int(costs.sum() * rng.uniform(0.25, 0.40))
    ids = [str(i + 1) for i in range(n_projects)]
    single = rng.random(n_voters) < 0.5
    lengths = np.where(single, 1, np.minimum(n_projects, 1 + rng.geometric(0.25, n_voters)))
    # Weighted sampling without replacement for every ballot at once: the top-k of log-weights
    # plus Gumbel noise (the Gumbel-top-k trick).
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(n_voters, n_projects))
    ranked = np.argsort(-keys, axis=1)
    voters = [
        Voter(str(v + 1), tuple(ids[p] for p in ranked[v, : lengths[v]].tolist()), line=0)
        for v in range(n_voters)
    ]
    if max_points:
        points = rng.integers(1, max_points + 1, size=int(lengths.sum())).tolist()
        start = 0
        for voter in voters:
            voter.points = tuple(Decimal(n) for n in points[start : start + len(voter.vote)])
            start += len(voter.vote)
    projects = {
        ids[p]: Project(ids[p], Decimal(int(costs[p])), name=f"Project {ids[p]}") for p in range(n_projects)
    }
    meta = {
        "description": f"synthetic election, seed {seed}",
        "country": "Nowhere",
        "unit": "Synthetic",
        "instance": str(seed),
        "num_projects": str(n_projects),
        "num_votes": str(n_voters),
        "budget": str(budget),
        "vote_type": "cumulative" if max_points else "approval",
        "rule": "unknown",
        "date_begin": "01.01.2021",
        "date_end": "31.01.2021",
    }
    columns = ["voter_id", "vote", "points"] if max_points else ["voter_id", "vote"]
    return Election(meta, projects, voters, ["project_id", "cost", "name"], columns)
