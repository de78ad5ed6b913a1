"""PCA of the vote matrix with missing cells at the statement's mean, without ever filling them in.

With every missing cell replaced by its column's mean, the centred matrix is zero there: it is as
sparse as the votes. Its top two right singular vectors are found by block power iteration (subspace
iteration with a Rayleigh-Ritz step), whose products are sums over the vote cells only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from veche.deliberation.engine.matrix import StatementCounts, Votes

FloatArray = npt.NDArray[np.float64]

N_COMPONENTS = 2
# More vectors than the two we keep: the iteration then converges at the rate of the gap between
# the second and the (BLOCK + 1)-th singular value instead of the second and the third. A warm
# start is already near the answer and needs fewer.
BLOCK = 4
WARM_BLOCK = 3
MAX_ITERATIONS = 300
TOLERANCE = 1e-4


@dataclass(frozen=True)
class Centred:
    """The centred vote cells, in two orders (by row and by column) for the two products."""

    n_rows: int
    n_cols: int
    center: FloatArray  # per column: the mean of its votes (0 for a column nobody voted on)
    by_row_cols: npt.NDArray[np.int32]
    by_row_values: npt.NDArray[np.float32]
    row_starts: npt.NDArray[np.intp]  # start of each non-empty row's run
    row_ids: npt.NDArray[np.intp]  # which row each run is
    by_col_rows: npt.NDArray[np.int32]
    by_col_values: npt.NDArray[np.float32]
    col_starts: npt.NDArray[np.intp]
    col_ids: npt.NDArray[np.intp]


def _runs(sorted_keys: npt.NDArray[np.int32]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    if len(sorted_keys) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return starts.astype(np.intp), sorted_keys[starts].astype(np.intp)


def centre(votes: Votes, counts: StatementCounts | None = None) -> Centred:
    n_rows, n_cols = votes.shape
    c = counts if counts is not None else votes.counts()
    center = np.divide(c.agree - c.disagree, c.seen, out=np.zeros(n_cols), where=c.seen > 0)
    centred = votes.values.astype(np.float32) - center.astype(np.float32)[votes.cols]
    # Votes keeps its cells sorted by row: the row order is given; the column order is one sort.
    row_starts, row_ids = _runs(votes.rows)
    # numpy sorts 16-bit integers by radix, several times faster than 32-bit ones.
    keys = votes.cols.astype(np.int16) if n_cols <= np.iinfo(np.int16).max else votes.cols
    by_col = np.argsort(keys, kind="stable")
    by_col_cols = votes.cols[by_col]
    col_starts, col_ids = _runs(by_col_cols)
    return Centred(
        n_rows=n_rows,
        n_cols=n_cols,
        center=center,
        by_row_cols=votes.cols,
        by_row_values=centred,
        row_starts=row_starts,
        row_ids=row_ids,
        by_col_rows=votes.rows[by_col],
        by_col_values=centred[by_col],
        col_starts=col_starts,
        col_ids=col_ids,
    )


# The products run in single precision, one vector at a time: the cells and a vector then stay in
# cache, which at millions of votes is several times faster than double precision or a whole block
# at once; the iteration's tolerance is far above single precision's error.
def times(x: Centred, v: FloatArray) -> FloatArray:
    """X @ v for v of shape (n_cols, b)."""
    out = np.zeros((x.n_rows, v.shape[1]))
    if len(x.row_starts):
        vt = np.ascontiguousarray(v.T, dtype=np.float32)
        for j in range(v.shape[1]):
            out[x.row_ids, j] = np.add.reduceat(x.by_row_values * vt[j][x.by_row_cols], x.row_starts)
    return out


def transposed_times(x: Centred, u: FloatArray) -> FloatArray:
    """X.T @ u for u of shape (n_rows, b)."""
    out = np.zeros((x.n_cols, u.shape[1]))
    if len(x.col_starts):
        ut = np.ascontiguousarray(u.T, dtype=np.float32)
        for j in range(u.shape[1]):
            out[x.col_ids, j] = np.add.reduceat(x.by_col_values * ut[j][x.by_col_rows], x.col_starts)
    return out


def _orthonormal(m: FloatArray) -> FloatArray:
    q, r = np.linalg.qr(m)
    # Keep each column's sign where QR would flip it, so the iteration does not oscillate.
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return q * signs


def components(
    x: Centred,
    *,
    start: FloatArray | None = None,
    seed: int = 0,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> tuple[FloatArray, int]:
    """The top two principal axes (2 x n_cols, unit rows) and the number of iterations used.

    `start` (2 x n_cols, e.g. the last run's axes) is the warm start; the other vectors of the block
    are random (seeded)."""
    n = x.n_cols
    warm_usable = start is not None and start.shape == (N_COMPONENTS, n) and bool(np.isfinite(start).all())
    block = min(WARM_BLOCK if warm_usable else BLOCK, n)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, block))
    if start is not None and warm_usable:
        warm = start[: min(N_COMPONENTS, block)].T
        norms = np.linalg.norm(warm, axis=0)
        usable = norms > 0
        v[:, : warm.shape[1]][:, usable] = warm[:, usable]
    v = _orthonormal(v)
    iterations = 0
    values = np.zeros(block)
    while iterations < max_iterations:
        iterations += 1
        w = transposed_times(x, times(x, v))
        # Rayleigh-Ritz: rotate the block to the eigenvectors of its projected X'X.
        h = v.T @ w
        eigenvalues, rotation = np.linalg.eigh((h + h.T) / 2)
        order = np.argsort(eigenvalues)[::-1]
        values = eigenvalues[order]
        w = w @ rotation[:, order]
        ritz = v @ rotation[:, order]
        # Converged when the kept Ritz pairs are eigenpairs up to a residual small against the
        # largest eigenvalue (the axis is then off by about residual / eigengap: on the kept
        # conversations 1e-4 leaves 1 - |cos| below 1e-7 against a converged axis).
        kept = min(N_COMPONENTS, block)
        residual = np.linalg.norm(w[:, :kept] - ritz[:, :kept] * values[:kept], axis=0)
        v = _orthonormal(w)
        if values[0] <= 0 or np.all(residual <= tolerance * values[0]):
            break
    comps = np.zeros((N_COMPONENTS, n))
    kept = min(N_COMPONENTS, block)
    comps[:kept] = v[:, :kept].T
    # A zero singular value has no axis: leave that component zero.
    for i in range(kept):
        if values[i] <= 1e-12 * max(values[0], 1e-300):
            comps[i] = 0.0
    return _oriented(comps, start), iterations


def _oriented(comps: FloatArray, start: FloatArray | None) -> FloatArray:
    """Fix each axis's sign: the same as the last run's axis, else its largest entry positive."""
    out = comps.copy()
    for i in range(len(out)):
        ref = start[i] if start is not None and start.shape == out.shape else None
        if ref is not None and np.dot(ref, out[i]) != 0:
            sign = np.sign(np.dot(ref, out[i]))
        else:
            j = int(np.argmax(np.abs(out[i]))) if len(out[i]) else 0
            sign = np.sign(out[i][j]) if len(out[i]) else 1.0
        if sign < 0:
            out[i] = -out[i]
    return out


def project(x: Centred, comps: FloatArray, *, columns: int, hidden_columns: int = 0) -> FloatArray:
    """Polis's sparsity-aware projection: each participant's centred votes on the axes, scaled by
    sqrt(statements / votes cast), so that one who voted on few statements is not pulled to the
    centre. Shape (n_rows, 2).

    `columns` is the number of statements Polis's matrix has: those with a vote, including the
    `hidden_columns` moderated out, which Polis keeps as columns of zeros that every participant
    then counts as votes cast."""
    raw = times(x, comps.T)
    cast = np.zeros(x.n_rows)
    if len(x.row_starts):
        ends = np.r_[x.row_starts[1:], len(x.by_row_cols)]
        cast[x.row_ids] = ends - x.row_starts
    scale = np.sqrt(columns / np.maximum(cast + hidden_columns, 1.0))
    return raw * scale[:, None]
