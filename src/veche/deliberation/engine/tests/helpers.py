"""Plain helpers of the engine's tests and its fidelity bench: a planted conversation, a reader of
the kept Polis conversations, a replay of one as Polis ran, the adjusted Rand index."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from veche.deliberation.engine import Result, Votes, cluster

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


def read_events(name: str) -> tuple[list[int], np.ndarray]:
    """A kept conversation's shown statements (comments.csv) and votes (votes.csv) as rows of
    (participant, statement, vote) in time order. A private reader for the tests and the bench,
    which read the copies only."""
    folder = DATA / name
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as f:
        # Polis leaves meta statements out of the math as it does moderated-out ones.
        shown = [
            int(r["comment-id"])
            for r in csv.DictReader(f)
            if int(r["moderated"]) != -1 and r.get("is-meta", "false") != "true"
        ]
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as f:
        rows = [
            (int(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"]))
            for r in csv.DictReader(f)
        ]
    rows.sort(key=lambda r: r[0])  # stable: votes with the same time keep the file's order
    return shown, np.array([r[1:] for r in rows], dtype=np.int64).reshape(-1, 3)


def read_polis_votes(name: str) -> Votes:
    """All of a kept conversation's votes, the latest counting."""
    shown, events = read_events(name)
    return Votes.from_events(events[:, 0], events[:, 1], events[:, 2], statements=shown)


def replay(shown: list[int], events: np.ndarray, batch: int) -> tuple[Result, int]:
    """The engine run as Polis runs: after every `batch` votes, each run from the last one's
    state. Returns the last result and the number of runs."""
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
    """How many participants both grouped, and the adjusted Rand index over them."""
    both = sorted(set(theirs) & set(ours.groups))
    return len(both), adjusted_rand([theirs[p] for p in both], [ours.groups[p] for p in both])


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
