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


def distinct_histories(x: FloatArray, t_x: FloatArray, T: FloatArray) -> Histories:
    """The distinct rows sorted by (x, t_x, T), how many customers share each, and who has which.

    Whole-number histories (days, weeks) are packed into one integer key and sorted once; other
    inputs fall back to a three-key lexicographic sort.
    """
    if x.size == 0:
        empty = np.array([], dtype=np.float64)
        return Histories(empty, empty, empty, empty, np.array([], dtype=np.intp))
    limit = float(1 << _BITS)
    whole = (
        np.all(x == np.floor(x))
        and np.all(t_x == np.floor(t_x))
        and np.all(np.floor(T) == T)
        and float(min(x.min(), t_x.min(), T.min())) >= 0
        and float(max(x.max(), t_x.max(), T.max())) < limit
    )
    if whole:
        key = (x.astype(np.int64) << (2 * _BITS)) | (t_x.astype(np.int64) << _BITS) | T.astype(np.int64)
        unique, index, counts = np.unique(key, return_inverse=True, return_counts=True)
        mask = (1 << _BITS) - 1
        return Histories(
            x=(unique >> (2 * _BITS)).astype(np.float64),
            t_x=((unique >> _BITS) & mask).astype(np.float64),
            T=(unique & mask).astype(np.float64),
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
