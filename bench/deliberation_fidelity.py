"""Fidelity of the opinion-mapping engine: our groups against Polis's own on seven real conversations.

    .venv/bin/python bench/deliberation_fidelity.py [--batch 20]

For each conversation kept with the engine's tests (src/veche/deliberation/engine/tests/data/polis/)
the engine reads comments.csv and votes.csv only (the latest vote of a participant on a statement
counts; statements moderated out, -1, are hidden) and its groups are compared with Polis's
`group-id` in participants-votes.csv, which the engine never sees: the adjusted Rand index (ARI)
over the participants both Polis and we grouped, and the number of groups.

Polis does not compute its groups once: it updates them as votes arrive, each update starting from
the last (PCA, clusters, the k smoother, the participants in the conversation), so its final groups
depend on the way there. The bench therefore replays each conversation as Polis saw it, an update
after every --batch votes in time order, each from the last run's state, and compares the last
update; the single cold run on all votes is printed beside it.

Exits with 1 if the issue's target is missed: median ARI >= 0.9 and the same k in all
conversations but one (judged on the replay).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from veche.deliberation.engine import Votes, cluster
from veche.deliberation.engine.tests.helpers import (
    CONVERSATIONS,
    agreement,
    polis_groups,
    read_events,
    replay,
)

TARGET_ARI = 0.9


def n_s_all(votes: Votes) -> int:
    """Statements in Polis's matrix: voted on, moderated-out ones included."""
    return int((votes.counts().seen > 0).sum()) + votes.hidden_statements


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=20, help="votes between two updates in the replay")
    args = parser.parse_args(argv)

    header = "| conversation | participants | statements | votes | Polis k | our k | compared | Polis-only"
    print(f"{header} | ARI | updates | s | cold k | cold ARI | cold s |")
    print(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    aris: list[float] = []
    same_k = 0
    missing_total = 0
    missing_few_votes = 0
    for name in CONVERSATIONS:
        shown, events = read_events(name)
        theirs = polis_groups(name)
        polis_k = len(set(theirs.values()))
        votes = Votes.from_events(events[:, 0], events[:, 1], events[:, 2], statements=shown)

        started = time.perf_counter()
        cold = cluster(votes)
        cold_seconds = time.perf_counter() - started
        _, cold_ari = agreement(theirs, cold)

        print(f"{name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        ours, runs = replay(shown, events, args.batch)
        seconds = time.perf_counter() - started
        compared, ari = agreement(theirs, ours)
        polis_only = set(theirs) - set(ours.groups)
        missing = len(polis_only)
        missing_total += missing
        # Polis's rule lets in those who voted on min(7, statements); those below it that Polis
        # grouped anyway came in under an older rule or the early top-up, and stay in.
        cast = dict(zip(votes.participants.tolist(), votes.votes_per_participant().tolist(), strict=True))
        hidden = votes.hidden_cast if votes.hidden_cast is not None else [0] * len(votes.participants)
        total = {p: cast[p] + int(h) for p, h in zip(votes.participants.tolist(), hidden, strict=True)}
        missing_few_votes += sum(total.get(p, 0) < min(7, n_s_all(votes)) for p in polis_only)
        aris.append(ari)
        same_k += polis_k == ours.k
        n_p, n_s = votes.shape
        print(
            f"| {name} | {n_p} | {n_s} | {len(votes)} | {polis_k} | {ours.k} | {compared} | {missing} "
            f"| {ari:.3f} | {runs} | {seconds:.1f} | {cold.k} | {cold_ari:.3f} | {cold_seconds:.3f} |"
        )
    median = statistics.median(aris)
    print()
    print(f"median ARI {median:.3f} (target >= {TARGET_ARI})")
    print(f"same k in {same_k} of {len(CONVERSATIONS)} (target >= {len(CONVERSATIONS) - 1})")
    print(
        f"participants Polis grouped that we did not: {missing_total}, of whom {missing_few_votes} voted "
        "on fewer than min(7, statements) statements (Polis's own threshold: they came in under an "
        "earlier rule of Polis's and stay in; see bench/README.md)"
    )
    ok = median >= TARGET_ARI and same_k >= len(CONVERSATIONS) - 1
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
