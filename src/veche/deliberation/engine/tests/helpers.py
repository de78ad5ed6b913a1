"""Plain helpers of the engine's tests: a planted conversation and a reader of the Polis copies."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from veche.deliberation.engine import Votes

DATA = Path(__file__).resolve().parent / "data" / "polis"
CONVERSATIONS = sorted(p.name for p in DATA.iterdir() if p.is_dir())


def planted(
    participants: int, statements: int, votes_per_participant: int, groups: int, seed: int = 0
) -> tuple[Votes, dict[int, int]]:
    """Participants in `groups` planted groups; each group agrees with a statement with its own
    probability (0.1 or 0.9), and each participant votes on a random sample of statements."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, groups, size=participants)
    leaning = np.where(rng.random((groups, statements)) < 0.5, 0.1, 0.9)
    who = np.repeat(np.arange(participants), votes_per_participant)
    what = rng.integers(0, statements, size=len(who))
    p_agree = leaning[truth[who], what]
    r = rng.random(len(who))
    value = np.where(r < p_agree * 0.9, 1, np.where(r < 0.9, -1, 0))
    votes = Votes.from_events(who, what, value, statements=np.arange(statements))
    return votes, {int(p): int(g) for p, g in enumerate(truth)}


def read_polis_votes(name: str) -> Votes:
    """comments.csv + votes.csv of a kept conversation -> Votes (moderated-out statements hidden)."""
    folder = DATA / name
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as f:
        shown = [int(r["comment-id"]) for r in csv.DictReader(f) if int(r["moderated"]) != -1]
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as f:
        rows = [
            (int(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"]))
            for r in csv.DictReader(f)
        ]
    rows.sort(key=lambda r: r[0])
    a = np.array([r[1:] for r in rows], dtype=np.int64).reshape(-1, 3)
    return Votes.from_events(a[:, 0], a[:, 1], a[:, 2], statements=shown)


def polis_groups(name: str) -> dict[int, int]:
    with (DATA / name / "participants-votes.csv").open(newline="", encoding="utf-8") as f:
        return {int(r["participant"]): int(r["group-id"]) for r in csv.DictReader(f) if r["group-id"] != ""}


def adjusted_rand(a: list[int], b: list[int]) -> float:
    """Hubert and Arabie's adjusted Rand index."""
    if len(a) < 2:
        return 1.0
    _, ia = np.unique(np.asarray(a), return_inverse=True)
    _, ib = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1)

    def pairs(x: np.ndarray) -> float:
        return float(np.sum(x * (x - 1) / 2))

    index, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (len(a) * (len(a) - 1) / 2)
    top = (rows + cols) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)
