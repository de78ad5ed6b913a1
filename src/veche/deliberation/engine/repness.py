"""What sets each group apart (representative statements), and what everyone shares (consensus).

The formulas are Polis's (math/repness.clj, math/stats.clj): with na, nd, ns the agrees, disagrees
and votes seen in a group, pa = (na + 1) / (ns + 2); ra = pa over the same ratio outside the group;
a one-proportion test (pat) and a two-proportion test against the rest (rat), significant at
z > 1.2816 (90 %, one-sided)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Z_90 = 1.2816
MAX_REPRESENTATIVE = 5
MAX_CONSENSUS = 5


def prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Polis's one-proportion z: is the share above one half? (with one added to each count)."""
    s = successes + 1.0
    n = trials + 1.0
    return 2.0 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Polis's two-proportion z: is the share inside above the share outside?"""
    si, so, pi, po = succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0
    p1 = si / pi
    p2 = so / po
    hat = (si + so) / (pi + po)
    denom = np.sqrt(hat * (1.0 - hat) * (1.0 / pi + 1.0 / po))
    return np.divide(p1 - p2, denom, out=np.zeros_like(p1), where=(hat != 1.0) & (denom > 0))


@dataclass(frozen=True)
class Tally:
    """Counts per group (rows) and statement (columns) over the grouped participants."""

    agree: IntArray
    disagree: IntArray
    seen: IntArray


def tally(
    group_of_row: npt.NDArray[np.intp],
    rows: npt.NDArray[np.int32],
    cols: npt.NDArray[np.int32],
    values: npt.NDArray[np.int8],
    k: int,
    n_statements: int,
) -> Tally:
    """group_of_row: each participant's group, -1 for those in no group."""
    g = group_of_row[rows]
    mask = g >= 0
    # One pass: each cell counted in its (group, statement) slot for its value (-1, 0, 1 -> 0, 1, 2).
    slot = (g[mask].astype(np.int64) * n_statements + cols[mask]) * 3 + (values[mask] + 1)
    by_value = np.bincount(slot, minlength=3 * k * n_statements).reshape(k, n_statements, 3)
    by_value = by_value.astype(np.int64)
    return Tally(agree=by_value[:, :, 2].copy(), disagree=by_value[:, :, 0].copy(), seen=by_value.sum(axis=2))


@dataclass(frozen=True)
class RepStat:
    statement_index: int
    direction: str
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float
    p_out: float
    ratio: float
    p_test: float
    ratio_test: float

    @property
    def score(self) -> float:
        return self.ratio * self.ratio_test * self.p * self.p_test


def representative(t: Tally) -> list[list[RepStat]]:
    """Polis's select-rep-comments for each group: the statements that pass both tests (agree or
    disagree), best first by ra * rat * pa * pat, with the group's best agreed statement at the head,
    at most five, agreements before disagreements; a group with none gets its single best one."""
    k, n = t.seen.shape
    na, nd, ns = (t.agree.astype(np.float64), t.disagree.astype(np.float64), t.seen.astype(np.float64))
    na_out = na.sum(axis=0)[None, :] - na
    nd_out = nd.sum(axis=0)[None, :] - nd
    ns_out = ns.sum(axis=0)[None, :] - ns
    pa = (na + 1) / (ns + 2)
    pd = (nd + 1) / (ns + 2)
    pa_out = (na_out + 1) / (ns_out + 2)
    pd_out = (nd_out + 1) / (ns_out + 2)
    ra, rd = pa / pa_out, pd / pd_out
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    rat, rdt = two_prop_test(na, na_out, ns, ns_out), two_prop_test(nd, nd_out, ns, ns_out)
    passes = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))

    def final(g: int, j: int) -> RepStat:
        # Polis reports a statement in the direction whose two-proportion test is larger.
        if rat[g, j] > rdt[g, j]:
            return RepStat(
                j, "agree", int(na[g, j]), int(nd[g, j]), int(ns[g, j]),
                float(pa[g, j]), float(pa_out[g, j]), float(ra[g, j]), float(pat[g, j]), float(rat[g, j]),
            )  # fmt: skip
        return RepStat(
            j, "disagree", int(na[g, j]), int(nd[g, j]), int(ns[g, j]),
            float(pd[g, j]), float(pd_out[g, j]), float(rd[g, j]), float(pdt[g, j]), float(rdt[g, j]),
        )  # fmt: skip

    out: list[list[RepStat]] = []
    for g in range(k):
        best_agree = _best_agree(
            na[g].tolist(), nd[g].tolist(), ra[g].tolist(), rat[g].tolist(), pa[g].tolist(), pat[g].tolist()
        )
        sufficient = np.flatnonzero(passes[g])
        if len(sufficient) == 0:
            if best_agree is not None:
                out.append([final(g, best_agree)])
                continue
            if n == 0:
                out.append([])
                continue
            best = int(np.argmax(np.maximum(rat[g], rdt[g])))
            out.append([final(g, best)])
            continue
        # Each statement in the direction finalize-cmt-stats reports, ranked by the metric.
        is_agree = rat[g, sufficient] > rdt[g, sufficient]
        score = np.where(
            is_agree,
            ra[g, sufficient] * rat[g, sufficient] * pa[g, sufficient] * pat[g, sufficient],
            rd[g, sufficient] * rdt[g, sufficient] * pd[g, sufficient] * pdt[g, sufficient],
        )
        ranked = sufficient[np.argsort(-score, kind="stable")]
        ranked = ranked[ranked != best_agree][:MAX_REPRESENTATIVE]
        stats = [final(g, int(j)) for j in ranked]
        head = [final(g, best_agree)] if best_agree is not None else []
        chosen = (head + stats)[:MAX_REPRESENTATIVE]
        out.append(
            [s for s in chosen if s.direction == "agree"] + [s for s in chosen if s.direction == "disagree"]
        )
    return out


def _best_agree(
    na: list[float], nd: list[float], ra: list[float], rat: list[float], pa: list[float], pat: list[float]
) -> int | None:
    """Polis's beats-best-agr?, run over the statements in order: the statement most agreed on in
    the group, preferring ones agreed on more than outside it."""
    best: int | None = None
    for j in range(len(na)):
        if na[j] == 0 and nd[j] == 0:
            continue
        if best is not None and ra[best] > 1.0:
            better = ra[j] * rat[j] * pa[j] * pat[j] > ra[best] * rat[best] * pa[best] * pat[best]
        elif best is not None:
            better = pa[j] * pat[j] > pa[best] * pat[best]
        else:
            better = pat[j] > Z_90 or (ra[j] > 1.0 and pa[j] > 0.5)
        if better:
            best = j
    return best


@dataclass(frozen=True)
class ConsensusStat:
    statement_index: int
    direction: str
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float


def consensus(agree: IntArray, disagree: IntArray, seen: IntArray) -> list[ConsensusStat]:
    """Polis's select-consensus-comments over everyone: statements with p > 0.5 and a significant
    one-proportion test, top five by p * z, agreements then disagreements."""
    na, nd, ns = agree.astype(np.float64), disagree.astype(np.float64), seen.astype(np.float64)
    out: list[ConsensusStat] = []
    for direction, n_dir in (("agree", na), ("disagree", nd)):
        p = (n_dir + 1) / (ns + 2)
        z = prop_test(n_dir, ns)
        ok = np.flatnonzero((p > 0.5) & (z > Z_90))
        ranked = ok[np.argsort(-(p * z)[ok], kind="stable")][:MAX_CONSENSUS]
        out.extend(
            ConsensusStat(int(j), direction, int(na[j]), int(nd[j]), int(ns[j]), float(p[j])) for j in ranked
        )
    return out


def group_informed_consensus(t: Tally) -> FloatArray:
    """Per statement: the product over groups of (agrees in group + 1) / (seen in group + 2)."""
    product: FloatArray = np.prod((t.agree + 1.0) / (t.seen + 2.0), axis=0)
    return product
