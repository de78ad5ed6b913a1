"""Fidelity of the opinion-mapping engine: our groups against Polis's own on seven real conversations.

    .venv/bin/python bench/deliberation_fidelity.py

For each conversation kept with the engine's tests (src/veche/deliberation/engine/tests/data/polis/),
runs `cluster()` on comments.csv + votes.csv (the latest vote per participant and statement counts;
statements moderated out, -1, are left out) and compares the groups with Polis's `group-id` in
participants-votes.csv, which the engine never reads: the adjusted Rand index over the participants
both Polis and we grouped, and the number of groups. Also counts the participants Polis grouped that
we did not. Exits with 1 if the issue's target is missed: median ARI >= 0.9 and the same k in all
conversations but one.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from veche.deliberation.engine import Votes, cluster

DATA = Path(__file__).resolve().parent.parent / "src/veche/deliberation/engine/tests/data/polis"
TARGET_ARI = 0.9


def read_votes(folder: Path) -> Votes:
    """comments.csv + votes.csv -> Votes (a private reader: the engine's tests and this bench only)."""
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as f:
        shown = [int(r["comment-id"]) for r in csv.DictReader(f) if int(r["moderated"]) != -1]
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as f:
        rows = [
            (int(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"]))
            for r in csv.DictReader(f)
        ]
    rows.sort(key=lambda r: r[0])  # stable: rows with the same time keep the file's order
    a = np.array([r[1:] for r in rows], dtype=np.int64).reshape(-1, 3)
    return Votes.from_events(a[:, 0], a[:, 1], a[:, 2], statements=shown)


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
    total = len(a) * (len(a) - 1) / 2
    expected = rows * cols / total
    top = (rows + cols) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


def main() -> int:
    print(
        "| conversation | participants | statements | votes | Polis k | our k | compared | Polis-only | ARI | s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    aris: list[float] = []
    same_k = 0
    missing_total = 0
    folders = sorted(p for p in DATA.iterdir() if p.is_dir())
    for folder in folders:
        votes = read_votes(folder)
        theirs = polis_groups(folder)
        started = time.perf_counter()
        result = cluster(votes)
        seconds = time.perf_counter() - started
        both = sorted(set(theirs) & set(result.groups))
        missing = len(set(theirs) - set(result.groups))
        missing_total += missing
        ari = adjusted_rand([theirs[p] for p in both], [result.groups[p] for p in both])
        polis_k = len(set(theirs.values()))
        aris.append(ari)
        same_k += polis_k == result.k
        n_p, n_s = votes.shape
        print(
            f"| {folder.name} | {n_p} | {n_s} | {len(votes)} | {polis_k} | {result.k} | {len(both)} | "
            f"{missing} | {ari:.3f} | {seconds:.3f} |"
        )
    median = statistics.median(aris)
    print()
    print(
        f"median ARI {median:.3f} (target >= {TARGET_ARI}); same k in {same_k} of {len(folders)} (target >= {len(folders) - 1})"
    )
    print(f"participants Polis grouped that we did not: {missing_total}")
    ok = median >= TARGET_ARI and same_k >= len(folders) - 1
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
