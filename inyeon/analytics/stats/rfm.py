"""RFM: recency, frequency and monetary value per customer, scores 1-5 and named segments.

Hughes, A. M. (1994), "Strategic Database Marketing"; the 5x5 recency x frequency segment grid is
the one commonly used in CRM practice and is stored as data (`rfm_segments.json`), so an admin can
load another map with `load_segment_map`.

Scores are quintiles of the customer ranking. Tie rule (deterministic): customers with equal values
share the score of the lowest rank in their group ("min" ranking), so ties never split across two
scores and the result does not depend on row order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

DEFAULT_MAP = Path(__file__).with_name("rfm_segments.json")


@dataclass(frozen=True)
class RFMTable:
    customer_id: NDArray[np.int64]
    recency_days: NDArray[np.int64]
    frequency: NDArray[np.int64]
    monetary: NDArray[np.float64]


def rfm_table(customer_id: ArrayLike, order_date: ArrayLike, amount: ArrayLike, as_of: Any) -> RFMTable:
    """Per customer: days since the last order before `as_of`, number of orders, total amount.

    Orders after `as_of` are ignored. `order_date` is anything numpy reads as datetime64[D].
    """
    ids = np.asarray(customer_id, dtype=np.int64)
    days = np.asarray(order_date, dtype="datetime64[D]")
    money = np.asarray(amount, dtype=np.float64)
    if not (ids.shape == days.shape == money.shape):
        raise ValueError("customer_id, order_date and amount must have the same length")
    cutoff = np.datetime64(as_of, "D")
    keep = days <= cutoff
    ids, days, money = ids[keep], days[keep], money[keep]
    if ids.size == 0:
        empty = np.array([], dtype=np.int64)
        return RFMTable(
            customer_id=empty, recency_days=empty, frequency=empty, monetary=np.array([], dtype=np.float64)
        )
    low, high = int(ids.min()), int(ids.max())
    if high - low < 4 * ids.size:
        # Dense ids (the usual primary keys): count per id without sorting.
        offset = ids - low
        frequency_all = np.bincount(offset)
        present = np.flatnonzero(frequency_all)
        uniq = present + low
        frequency = frequency_all[present].astype(np.int64)
        monetary = np.bincount(offset, weights=money)[present].astype(np.float64)
        last_all = np.full(frequency_all.size, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(last_all, offset, days.astype(np.int64))
        last = last_all[present]
    else:
        # Sparse ids: one sort groups the orders by customer, then reduce contiguous runs.
        order = np.argsort(ids)
        sorted_ids = ids[order]
        starts = np.concatenate(([0], np.flatnonzero(np.diff(sorted_ids)) + 1))
        uniq = sorted_ids[starts]
        frequency = np.diff(np.append(starts, ids.size)).astype(np.int64)
        monetary = np.add.reduceat(money[order], starts).astype(np.float64)
        last = np.maximum.reduceat(days.astype(np.int64)[order], starts)
    recency = cutoff.astype(np.int64) - last
    return RFMTable(
        customer_id=uniq, recency_days=recency.astype(np.int64), frequency=frequency, monetary=monetary
    )


def quintile_scores(values: ArrayLike, *, higher_is_better: bool = True) -> NDArray[np.int64]:
    """Scores 1 (worst fifth) to 5 (best fifth); ties share the lowest rank of their group."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return np.array([], dtype=np.int64)
    ranks = rankdata(v if higher_is_better else -v, method="min") - 1
    return (1 + np.floor(5 * ranks / v.size)).astype(np.int64)


def rfm_scores(table: RFMTable) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(R, F, M) scores; recent customers get a high R."""
    return (
        quintile_scores(table.recency_days, higher_is_better=False),
        quintile_scores(table.frequency),
        quintile_scores(table.monetary),
    )


def load_segment_map(path: Path = DEFAULT_MAP) -> dict[str, dict[str, Any]]:
    """A segment map: {key: {"en", "ko", "cells": ["RF", ...]}} covering all 25 R x F cells once."""
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        return validate_segment_map(data["segments"])
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def validate_segment_map(segments: Any) -> dict[str, dict[str, Any]]:
    """Check a segment map (each segment with "en", "ko" and its cells; all 25 cells once)."""
    if not isinstance(segments, dict) or not segments:
        raise ValueError("the segment map must be an object of named segments")
    for key, seg in segments.items():
        if not isinstance(seg, dict) or not all(isinstance(seg.get(k), str) for k in ("en", "ko")):
            raise ValueError(f"segment {key!r} needs an English and a Korean label (en, ko)")
        if not isinstance(seg.get("cells"), list) or len(str(key)) > 30:
            raise ValueError(f"segment {key!r} needs a list of cells and a key of at most 30 characters")
    cells = [str(cell) for seg in segments.values() for cell in seg["cells"]]
    expected = {f"{r}{f}" for r in range(1, 6) for f in range(1, 6)}
    if sorted(cells) != sorted(expected):
        raise ValueError("the segment map must name each of the 25 recency x frequency cells once")
    return segments


def segments_for(
    r: ArrayLike, f: ArrayLike, segment_map: dict[str, dict[str, Any]] | None = None
) -> NDArray[Any]:
    """The segment key of each customer from their R and F scores."""
    segments = segment_map or load_segment_map()
    lookup = {cell: key for key, seg in segments.items() for cell in seg["cells"]}
    grid = np.empty((6, 6), dtype=object)
    for cell, key in lookup.items():
        grid[int(cell[0]), int(cell[1])] = key
    return grid[np.asarray(r, dtype=np.int64), np.asarray(f, dtype=np.int64)]
