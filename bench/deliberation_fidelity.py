"""Fidelity of the opinion-mapping engine: our groups against Polis's own on seven real conversations.

    .venv/bin/python bench/deliberation_fidelity.py [--batch 50]

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
import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from veche.deliberation.engine import Result, Votes, cluster

DATA = Path(__file__).resolve().parent.parent / "src/veche/deliberation/engine/tests/data/polis"
TARGET_ARI = 0.9


def read_events(folder: Path) -> tuple[list[int], np.ndarray]:
    """The shown statements (comments.csv) and the votes (votes.csv) as rows of (participant,
    statement, vote) in time order: a private reader for this bench."""
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as f:
        shown = [int(r["comment-id"]) for r in csv.DictReader(f) if int(r["moderated"]) != -1]
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as f:
        rows = [
            (int(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"]))
            for r in csv.DictReader(f)
        ]
    rows.sort(key=lambda r: r[0])  # stable: votes with the same time keep the file's order
    return shown, np.array([r[1:] for r in rows], dtype=np.int64).reshape(-1, 3)


def polis_groups(folder: Path) -> dict[int, int]:
    with (folder / "participants-votes.csv").open(newline="", encoding="utf-8") as f:
        return {int(r["participant"]): int(r["group-id"]) for r in csv.DictReader(f) if r["group-id"] != ""}


def adjusted_rand(a: list[int], b: list[int]) -> float:
    """Hubert and Arabie's adjusted Rand index of two labellings of the same items."""
    if len(a) < 2:
        return 1.0
    _, ia = np.unique(np.asarray(a), return_inverse=True)
    _, ib = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1)

    def pairs(x: np.ndarray) -> float:
        return float(np.sum(x * (x - 1) / 2))

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (len(a) * (len(a) - 1) / 2)
    top = (rows + cols) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


def replay(shown: list[int], events: np.ndarray, batch: int) -> tuple[Result, int]:
    """Run the engine after every `batch` votes, each run from the last one's state."""
    result = None
    runs = 0
    for end in [*range(batch, len(events), batch), len(events)]:
        head = events[:end]
        votes = Votes.from_events(head[:, 0], head[:, 1], head[:, 2], statements=shown)
        result = cluster(votes, previous=result.state if result else None)
        runs += 1
    assert result is not None
    return result, runs


def agreement(theirs: dict[int, int], ours: Result) -> tuple[int, float]:
    both = sorted(set(theirs) & set(ours.groups))
    return len(both), adjusted_rand([theirs[p] for p in both], [ours.groups[p] for p in both])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=50, help="votes between two updates in the replay")
    args = parser.parse_args(argv)

    header = "| conversation | participants | statements | votes | Polis k | our k | compared | Polis-only"
    print(f"{header} | ARI | updates | s | cold k | cold ARI | cold s |")
    print(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    aris: list[float] = []
    same_k = 0
    missing_total = 0
    folders = sorted(p for p in DATA.iterdir() if p.is_dir())
    for folder in folders:
        shown, events = read_events(folder)
        theirs = polis_groups(folder)
        polis_k = len(set(theirs.values()))
        votes = Votes.from_events(events[:, 0], events[:, 1], events[:, 2], statements=shown)

        started = time.perf_counter()
        cold = cluster(votes)
        cold_seconds = time.perf_counter() - started
        _, cold_ari = agreement(theirs, cold)

        print(f"{folder.name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        ours, runs = replay(shown, events, args.batch)
        seconds = time.perf_counter() - started
        compared, ari = agreement(theirs, ours)
        missing = len(set(theirs) - set(ours.groups))
        missing_total += missing
        aris.append(ari)
        same_k += polis_k == ours.k
        n_p, n_s = votes.shape
        print(
            f"| {folder.name} | {n_p} | {n_s} | {len(votes)} | {polis_k} | {ours.k} | {compared} | {missing} "
            f"| {ari:.3f} | {runs} | {seconds:.1f} | {cold.k} | {cold_ari:.3f} | {cold_seconds:.3f} |"
        )
    median = statistics.median(aris)
    print()
    print(f"median ARI {median:.3f} (target >= {TARGET_ARI})")
    print(f"same k in {same_k} of {len(folders)} (target >= {len(folders) - 1})")
    print(f"participants Polis grouped that we did not: {missing_total}")
    ok = median >= TARGET_ARI and same_k >= len(folders) - 1
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
