"""Seconds and peak memory of the opinion-mapping engine's cluster() on planted conversations.

    .venv/bin/python bench/deliberation_speed.py [--participants 20000] [--statements 2000]
        [--votes-per-participant 40] [--groups 3] [--new-votes 1000]

One process per size (peak memory, ru_maxrss, is the process's): generates a planted conversation
(tests/helpers.planted), times a full run, then adds --new-votes random votes and times the warm
update from the full run's state. Prints one Markdown row: wall-clock seconds (CPU seconds of the
process in brackets, less sensitive to a busy machine); the comparison with red-dwarf is
bench/deliberation_reddwarf.py's (the Polis I/O helper's).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from veche.deliberation.engine import Votes, cluster
from veche.deliberation.engine.tests.helpers import adjusted_rand, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--statements", type=int, default=2_000)
    parser.add_argument("--votes-per-participant", type=int, default=40)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--new-votes", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    votes, truth = planted(
        args.participants, args.statements, args.votes_per_participant, args.groups, seed=args.seed
    )
    started, cpu = time.perf_counter(), time.process_time()
    full = cluster(votes, seed=args.seed)
    full_seconds, full_cpu = time.perf_counter() - started, time.process_time() - cpu
    ids = sorted(full.groups)
    ari = adjusted_rand([truth[p] for p in ids], [full.groups[p] for p in ids])

    rng = np.random.default_rng(args.seed + 1)
    n = args.new_votes
    more = Votes.from_events(
        np.r_[votes.participants[votes.rows], rng.integers(0, args.participants, n)],
        np.r_[votes.statements[votes.cols], rng.integers(0, args.statements, n)],
        np.r_[votes.values, rng.choice([-1, 0, 1], n)],
        statements=votes.statements,
    )
    started, cpu = time.perf_counter(), time.process_time()
    warm = cluster(more, previous=full.state, seed=args.seed)
    warm_seconds, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"| {args.participants:,} x {args.statements:,} | {len(votes):,} | "
        f"{full_seconds:.2f} ({full_cpu:.2f}) | {warm_seconds:.3f} ({warm_cpu:.3f}) | "
        f"{full.k} / {warm.k} | {ari:.3f} | {peak_mb:.0f} | "
        f"{os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
