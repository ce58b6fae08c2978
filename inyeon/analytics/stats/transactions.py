"""From a transaction log to the per-customer summaries that RFM and the CLV models read.

A repeat purchase is a purchase on a later day than the customer's first (several orders on one
day count as one purchase occasion), as in Fader, Hardie & Lee (2005) and the CDNOW analyses:
x = distinct purchase days - 1, t_x = last - first purchase day, T = as-of day - first purchase
day, and the spend model reads the mean value of the repeat purchase days only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class CustomerSummary:
    """One row per customer with at least one purchase on or before the as-of day (sorted by id)."""

    customer_id: NDArray[np.int64]
    orders: NDArray[np.int64]
    total: NDArray[np.float64]
    first_day: NDArray[np.int64]
    last_day: NDArray[np.int64]
    x: NDArray[np.float64]
    t_x: NDArray[np.float64]
    T: NDArray[np.float64]
    repeat_mean: NDArray[np.float64]
    recency_days: NDArray[np.int64]


def customer_summary(
    customer_id: ArrayLike, day: ArrayLike, amount: ArrayLike, as_of_day: int
) -> CustomerSummary:
    """Summarise orders given as integer days (any epoch, the same as `as_of_day`).

    Orders after `as_of_day` are ignored. Cost: one argsort of the orders.
    """
    ids = np.asarray(customer_id, dtype=np.int64)
    days = np.asarray(day, dtype=np.int64)
    money = np.asarray(amount, dtype=np.float64)
    if not (ids.shape == days.shape == money.shape) or ids.ndim != 1:
        raise ValueError("customer_id, day and amount must be one-dimensional and of the same length")
    keep = days <= as_of_day
    if not keep.all():
        ids, days, money = ids[keep], days[keep], money[keep]
    if ids.size == 0:
        i = np.array([], dtype=np.int64)
        f = np.array([], dtype=np.float64)
        return CustomerSummary(i, i, f, i, i, f, f, f, f, i)
    low_id, low_day = int(ids.min()), int(days.min())
    span = int(days.max()) - low_day + 1
    key = (ids - low_id) * span + (days - low_day)
    order = np.argsort(key)
    key = key[order]
    money = money[order]
    # Purchase days: runs of equal keys.
    day_start = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    day_key = key[day_start]
    day_total = np.add.reduceat(money, day_start)
    orders_per_day = np.diff(np.append(day_start, key.size))
    cust_of_day = day_key // span
    day_of_day = day_key % span + low_day
    # Customers: runs of equal customer among purchase days.
    cust_start = np.flatnonzero(np.concatenate(([True], cust_of_day[1:] != cust_of_day[:-1])))
    cust_end = np.append(cust_start[1:], cust_of_day.size) - 1
    n_days = cust_end - cust_start + 1
    total = np.add.reduceat(day_total, cust_start)
    first_day = day_of_day[cust_start]
    last_day = day_of_day[cust_end]
    x = (n_days - 1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        repeat_mean = np.where(x > 0, (total - day_total[cust_start]) / x, 0.0)
    return CustomerSummary(
        customer_id=cust_of_day[cust_start] + low_id,
        orders=np.add.reduceat(orders_per_day, cust_start).astype(np.int64),
        total=total,
        first_day=first_day,
        last_day=last_day,
        x=x,
        t_x=(last_day - first_day).astype(np.float64),
        T=(as_of_day - first_day).astype(np.float64),
        repeat_mean=repeat_mean,
        recency_days=(as_of_day - last_day).astype(np.int64),
    )
