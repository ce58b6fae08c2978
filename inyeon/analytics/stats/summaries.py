"""The analytics page's figures from per-customer scores: RFM grid, Pareto curve, CLV distribution,
lifecycle funnel and segment counts. Plain lists and numbers out, ready for JSON."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from inyeon.analytics.stats.value_tiers import pareto_summary

STAGES = ("prospect", "new", "existing", "core", "churned")
CURVE_POINTS = 21


def base_summary(
    *,
    r_score: ArrayLike,
    f_score: ArrayLike,
    monetary: ArrayLike,
    clv: ArrayLike,
    stage: ArrayLike,
    segment: ArrayLike,
) -> dict[str, Any]:
    r = np.asarray(r_score, dtype=np.int64)
    f = np.asarray(f_score, dtype=np.int64)
    money = np.asarray(monetary, dtype=np.float64)
    value = np.asarray(clv, dtype=np.float64)
    stages = np.asarray(stage).astype(str)
    segments = np.asarray(segment).astype(str)
    scored = (r >= 1) & (f >= 1)
    cell = (r[scored] - 1) * 5 + (f[scored] - 1)
    counts = np.bincount(cell, minlength=25).reshape(5, 5)
    revenue = np.bincount(cell, weights=money[scored], minlength=25).reshape(5, 5)
    buyers = money[scored]
    if buyers.size and buyers.sum() > 0:
        pareto = pareto_summary(buyers, top_share=0.2, points=CURVE_POINTS)
        curve = [round(float(v), 4) for v in pareto.curve_value]
        top20 = round(pareto.top_share_of_value, 4)
    else:
        curve, top20 = [], 0.0
    positive = value[scored & (value > 0)] if value.size == scored.size else value[value > 0]
    return {
        "customers": int(r.size),
        "buyers": int(scored.sum()),
        "revenue": round(float(money.sum())),
        "rfm_grid": {"customers": counts.tolist(), "revenue": np.rint(revenue).astype(np.int64).tolist()},
        "pareto": {"top20_share": top20, "curve": curve},
        "clv_histogram": _histogram(positive),
        "funnel": {s: int(np.count_nonzero(stages == s)) for s in STAGES},
        "segments": {
            str(k): int(v) for k, v in zip(*np.unique(segments[scored], return_counts=True), strict=True)
        },
    }


def _histogram(values: np.ndarray, bins: int = 12) -> dict[str, list[int]]:
    """Counts of positive CLVs in bins of equal width on a log scale (edges rounded)."""
    if values.size == 0:
        return {"edges": [], "counts": []}
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return {"edges": [int(low), int(high)], "counts": [int(values.size)]}
    edges = np.geomspace(max(low, 1.0), high, bins + 1)
    counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    return {"edges": [round(e) for e in edges], "counts": counts.astype(int).tolist()}


def migration_matrix(
    before_ids: ArrayLike, before_codes: ArrayLike, after_ids: ArrayLike, after_codes: ArrayLike, size: int
) -> list[list[int]]:
    """Customers per (segment before, segment after) for customers in both runs with a segment."""
    b_ids, a_ids = np.asarray(before_ids), np.asarray(after_ids)
    _common, bi, ai = np.intersect1d(b_ids, a_ids, assume_unique=True, return_indices=True)
    b = np.asarray(before_codes)[bi].astype(np.int64)
    a = np.asarray(after_codes)[ai].astype(np.int64)
    keep = (b >= 0) & (a >= 0)
    matrix = np.bincount(b[keep] * size + a[keep], minlength=size * size).reshape(size, size)
    return matrix.astype(int).tolist()
