"""The vote matrix: each participant's latest vote on each statement, kept sparse (COO arrays)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

AGREE = 1
DISAGREE = -1
PASS = 0


class StatementCounts(NamedTuple):
    """Per statement (aligned with `Votes.statements`): how many saw it, agreed, disagreed, passed."""

    seen: IntArray
    agree: IntArray
    disagree: IntArray
    passed: IntArray


@dataclass(frozen=True, eq=False)
class Votes:
    """Latest votes as a sparse participants x statements matrix.

    `participants` and `statements` are sorted distinct ids (rows and columns); a statement with no
    votes is still a column. `rows`, `cols` index them; `values` is 1 agree, -1 disagree, 0 pass.
    Cells are sorted by row, then column, and each (row, column) appears once."""

    participants: IntArray
    statements: IntArray
    rows: npt.NDArray[np.int32]
    cols: npt.NDArray[np.int32]
    values: npt.NDArray[np.int8]
    # Votes on statements outside `statements` (moderated out) are not cells, but Polis still
    # counts them: how many distinct such statements were voted on, and each row's votes on them.
    hidden_statements: int = 0
    hidden_cast: IntArray | None = None

    @classmethod
    def from_arrays(
        cls,
        participant: npt.ArrayLike,
        statement: npt.ArrayLike,
        value: npt.ArrayLike,
        *,
        statements: npt.ArrayLike | None = None,
    ) -> Votes:
        """One row per cell, already the latest vote (what the database holds)."""
        return cls._build(participant, statement, value, statements=statements, keep="any")

    @classmethod
    def from_events(
        cls,
        participant: npt.ArrayLike,
        statement: npt.ArrayLike,
        value: npt.ArrayLike,
        *,
        statements: npt.ArrayLike | None = None,
    ) -> Votes:
        """Votes in time order; the last vote of a participant on a statement wins."""
        return cls._build(participant, statement, value, statements=statements, keep="last")

    @classmethod
    def _build(
        cls,
        participant: npt.ArrayLike,
        statement: npt.ArrayLike,
        value: npt.ArrayLike,
        *,
        statements: npt.ArrayLike | None,
        keep: str,
    ) -> Votes:
        pid = np.asarray(participant, dtype=np.int64).ravel()
        sid = np.asarray(statement, dtype=np.int64).ravel()
        val = np.asarray(value).ravel()
        if not (len(pid) == len(sid) == len(val)):
            raise ValueError("participant, statement and value must have the same length")
        if len(val) and not np.isin(val, (AGREE, DISAGREE, PASS)).all():
            raise ValueError("a vote must be 1, -1 or 0")
        val = val.astype(np.int8)
        hidden_pid = np.zeros(0, dtype=np.int64)
        hidden_sid = np.zeros(0, dtype=np.int64)
        if statements is None:
            shown = np.unique(sid)
        else:
            shown = np.unique(np.asarray(statements, dtype=np.int64).ravel())
            keep_mask = np.isin(sid, shown)
            hidden_pid, hidden_sid = pid[~keep_mask], sid[~keep_mask]
            pid, sid, val = pid[keep_mask], sid[keep_mask], val[keep_mask]
        people, rows = np.unique(pid, return_inverse=True)
        cols = np.searchsorted(shown, sid)
        # A stable sort by cell keeps the time order within a cell: its last entry is the latest vote.
        cell = rows.astype(np.int64) * max(len(shown), 1) + cols
        order = np.argsort(cell, kind="stable")
        cell = cell[order]
        last = np.ones(len(cell), dtype=bool)
        last[:-1] = cell[1:] != cell[:-1]
        if keep == "any" and not last.all():
            raise ValueError("from_arrays: a (participant, statement) pair appears twice; use from_events")
        picked = order[last]
        hidden_cast = np.zeros(len(people), dtype=np.int64)
        n_hidden = 0
        if len(hidden_pid):
            pairs = np.unique(np.stack([hidden_pid, hidden_sid], axis=1), axis=0)
            n_hidden = len(np.unique(pairs[:, 1]))
            # Someone who voted only on hidden statements has no row: Polis would put them at the centre.
            where = np.minimum(np.searchsorted(people, pairs[:, 0]), max(len(people) - 1, 0))
            known = people[where] == pairs[:, 0] if len(people) else np.zeros(len(pairs), dtype=bool)
            hidden_cast = np.bincount(where[known], minlength=len(people)).astype(np.int64)
        return cls(
            participants=people.astype(np.int64),
            statements=shown.astype(np.int64),
            rows=rows[picked].astype(np.int32),
            cols=cols[picked].astype(np.int32),
            values=val[picked],
            hidden_statements=n_hidden,
            hidden_cast=hidden_cast,
        )

    @classmethod
    def empty(cls) -> Votes:
        return cls.from_arrays([], [], [])

    def __len__(self) -> int:
        return len(self.values)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participants), len(self.statements)

    def counts(self) -> StatementCounts:
        """Per statement: seen (any vote, pass included), agree, disagree, pass."""
        n = len(self.statements)
        # One pass: each cell counted in its column's slot for its value (-1, 0, 1 -> 0, 1, 2).
        slot = self.cols.astype(np.int64) * 3 + (self.values + 1)
        by_value = np.bincount(slot, minlength=3 * n).reshape(n, 3).astype(np.int64)
        return StatementCounts(
            seen=by_value.sum(axis=1),
            agree=by_value[:, 2].copy(),
            disagree=by_value[:, 0].copy(),
            passed=by_value[:, 1].copy(),
        )

    def votes_per_participant(self) -> IntArray:
        return np.bincount(self.rows, minlength=len(self.participants)).astype(np.int64)
