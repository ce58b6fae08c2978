"""Distinct (x, t_x, T) customer histories: the unit the CLV models compute on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
_BITS = 21  # t_x and T up to 2,097,151 (days: 5,700 years); x up to 2^21 as well


@dataclass(frozen=True)
class Histories:
    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    count: FloatArray
    index: NDArray[np.intp]  # each customer's position among the distinct histories


# Time units whose values are whole numbers at a finer resolution: days (1), weeks at day
# resolution (7), days at hour resolution (24), years at month / week / day resolution.
_SCALES = (1.0, 7.0, 24.0, 12.0, 52.0, 365.0)


def _whole_number_scale(x: FloatArray, t_x: FloatArray, T: FloatArray) -> float | None:
    """A factor that turns every value into a whole number that fits the packed key, if any."""
    if float(min(x.min(), t_x.min(), T.min())) < 0:
        return None
    if not np.all(x == np.rint(x)):
        return None
    high = float(max(x.max(), t_x.max(), T.max()))
    for scale in _SCALES:
        if high * scale >= float(1 << _BITS):
            return None
        if all(np.all(np.abs(v * scale - np.rint(v * scale)) <= 1e-6) for v in (t_x, T)):
            return scale
    return None


def distinct_histories(x: FloatArray, t_x: FloatArray, T: FloatArray) -> Histories:
    """The distinct rows sorted by (x, t_x, T), how many customers share each, and who has which.

    Histories that are whole numbers at some common resolution (days; weeks at day resolution)
    are packed into one integer key and sorted once; other inputs fall back to a three-key
    lexicographic sort.
    """
    if x.size == 0:
        empty = np.array([], dtype=np.float64)
        return Histories(empty, empty, empty, empty, np.array([], dtype=np.intp))
    scale = _whole_number_scale(x, t_x, T)
    if scale is not None:
        xi, txi, Ti = (np.rint(v * scale).astype(np.int64) for v in (x, t_x, T))
        key = (xi << (2 * _BITS)) | (txi << _BITS) | Ti
        unique, index, counts = np.unique(key, return_inverse=True, return_counts=True)
        mask = (1 << _BITS) - 1
        return Histories(
            x=(unique >> (2 * _BITS)).astype(np.float64) / scale,
            t_x=((unique >> _BITS) & mask).astype(np.float64) / scale,
            T=(unique & mask).astype(np.float64) / scale,
            count=counts.astype(np.float64),
            index=index.astype(np.intp),
        )
    order = np.lexsort((T, t_x, x))
    xs, txs, Ts = x[order], t_x[order], T[order]
    new = np.ones(x.size, dtype=bool)
    new[1:] = (np.diff(xs) != 0) | (np.diff(txs) != 0) | (np.diff(Ts) != 0)
    starts = np.flatnonzero(new)
    index = np.empty(x.size, dtype=np.intp)
    index[order] = np.cumsum(new) - 1
    return Histories(
        x=xs[starts],
        t_x=txs[starts],
        T=Ts[starts],
        count=np.diff(np.append(starts, x.size)).astype(np.float64),
        index=index,
    )
