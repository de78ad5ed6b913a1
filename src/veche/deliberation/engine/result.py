"""What a clustering run returns (Result, Rep, Consensus) and carries to the next run (State)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _r(x: float) -> float:
    return round(float(x), 6)


@dataclass(frozen=True)
class Rep:
    """A statement that represents a group: how the group voted on it against everyone else."""

    statement: int
    direction: str  # "agree" | "disagree"
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float  # (n + 1) / (seen + 2) in the direction, inside the group
    p_out: float  # the same outside the group
    ratio: float  # p / p_out
    score: float  # Polis's ranking value ratio * z(ratio) * p * z(p)

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "n_agree": self.n_agree,
            "n_disagree": self.n_disagree,
            "n_seen": self.n_seen,
            "p": _r(self.p),
            "p_out": _r(self.p_out),
            "ratio": _r(self.ratio),
            "score": _r(self.score),
        }


@dataclass(frozen=True)
class Consensus:
    """A statement most participants agree (or disagree) with."""

    direction: str  # "agree" | "disagree"
    statement: int
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float

    def to_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "statement": self.statement,
            "n_agree": self.n_agree,
            "n_disagree": self.n_disagree,
            "n_seen": self.n_seen,
            "p": _r(self.p),
        }


@dataclass(frozen=True)
class State:
    """What one run hands the next, as Polis's conversation does: the PCA (to warm-start it and to
    place newcomers), who is in the conversation and in which base cluster (Polis warm-starts
    k-means from the clusters' members, recentred where they stand now), which base clusters make
    up each group for every k tried, and the k smoother's streak.

    Plain lists and ints so that it goes to JSON and back unchanged."""

    statements: list[int] = field(default_factory=list)
    center: list[float] = field(default_factory=list)  # per statement: the mean vote
    components: list[list[float]] = field(default_factory=list)  # 2 x statements
    columns: int = 0  # statements in Polis's matrix (voted on, moderated-out ones included)
    hidden_columns: int = 0  # of which moderated out: columns of zeros everyone "voted" on
    in_conversation: list[int] = field(default_factory=list)  # participant ids; once in, always in
    base_of: list[int] = field(default_factory=list)  # base-cluster id of each of in_conversation
    base_ids: list[int] = field(default_factory=list)  # the base clusters' ids (stable across runs)
    next_base_id: int = 0
    group_members: dict[int, list[list[int]]] = field(default_factory=dict)  # k -> base ids per group
    last_k: int = 0  # the k the silhouette chose last time
    last_k_count: int = 0  # how many runs in a row it chose it
    smoothed_k: int = 0  # the k shown
    centres: list[list[float]] = field(default_factory=list)  # the shown groups' centres, for place()

    def to_json(self) -> dict[str, Any]:
        return {
            "statements": list(self.statements),
            "center": list(self.center),
            "components": [list(c) for c in self.components],
            "columns": self.columns,
            "hidden_columns": self.hidden_columns,
            "in_conversation": list(self.in_conversation),
            "base_of": list(self.base_of),
            "base_ids": list(self.base_ids),
            "next_base_id": self.next_base_id,
            "group_members": {str(k): [list(g) for g in v] for k, v in self.group_members.items()},
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
            "centres": [list(c) for c in self.centres],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> State:
        return cls(
            statements=[int(x) for x in d.get("statements", [])],
            center=[float(x) for x in d.get("center", [])],
            components=[[float(x) for x in c] for c in d.get("components", [])],
            columns=int(d.get("columns", 0)),
            hidden_columns=int(d.get("hidden_columns", 0)),
            in_conversation=[int(x) for x in d.get("in_conversation", [])],
            base_of=[int(x) for x in d.get("base_of", [])],
            base_ids=[int(x) for x in d.get("base_ids", [])],
            next_base_id=int(d.get("next_base_id", 0)),
            group_members={
                int(k): [[int(x) for x in g] for g in v] for k, v in d.get("group_members", {}).items()
            },
            last_k=int(d.get("last_k", 0)),
            last_k_count=int(d.get("last_k_count", 0)),
            smoothed_k=int(d.get("smoothed_k", 0)),
            centres=[[float(x) for x in c] for c in d.get("centres", [])],
        )


@dataclass(frozen=True)
class Result:
    k: int
    reason: str | None
    groups: dict[int, int]
    points: dict[int, tuple[float, float]]
    group_sizes: list[int]
    centres: list[tuple[float, float]]
    repness: dict[int, list[Rep]]
    consensus: list[Consensus]
    group_consensus: dict[int, float]
    n_participants: int
    n_votes: int
    state: State

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "groups": {str(p): g for p, g in self.groups.items()},
            "repness": {str(g): [r.to_json() for r in reps] for g, reps in self.repness.items()},
            "consensus": [c.to_json() for c in self.consensus],
            "group_informed_consensus": {str(s): _r(x) for s, x in self.group_consensus.items()},
            "group_sizes": list(self.group_sizes),
            "n_participants": self.n_participants,
            "n_votes": self.n_votes,
            "reason": self.reason,
        }
