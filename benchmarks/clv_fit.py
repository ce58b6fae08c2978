"""BG/NBD fit on 1,000,000 simulated customers, next to `lifetimes` in the same run, and a
Gamma-Gamma fit on 600,000 repeat customers.

    .venv/bin/python benchmarks/clv_fit.py [--customers 1000000] [--gg-customers 600000]
                                           [--skip-lifetimes]

Customers are simulated from the BG/NBD story with the published CDNOW parameters (r=0.243,
alpha=4.414, a=0.793, b=2.426), time in weeks at a resolution of one day, ages between 26 and 78
weeks. Goal: at least 20 times faster than lifetimes with parameters within 0.5% of each other.

The Gamma-Gamma customers take their repeat counts from the simulated repeat buyers (drawn with
replacement) and their mean spends from the Gamma-Gamma story with the CDNOW spend parameters
(p=6.25, q=3.74, gamma=15.44): nu ~ Gamma(q, rate gamma), each spend ~ Gamma(p, rate nu), so the
mean of x spends is Gamma(p x, rate nu x), continuous, and almost every (x, m) pair is distinct.
Goal: well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from inyeon.analytics.stats import bgnbd, gamma_gamma

TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def simulate(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lam = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], size=n)
    p = rng.beta(TRUE["a"], TRUE["b"], size=n)
    T = rng.integers(26 * 7, 78 * 7 + 1, size=n) / 7.0
    x = np.zeros(n)
    t_x = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    clock = np.zeros(n)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / lam[idx])
        bought = clock[idx] <= T[idx]
        buyers = idx[bought]
        x[buyers] += 1
        t_x[buyers] = np.floor(clock[buyers] * 7) / 7.0
        dropped = rng.random(buyers.size) < p[buyers]
        alive[idx[~bought]] = False
        alive[buyers[dropped]] = False
    return x, np.minimum(t_x, T), T


def simulate_spend(x_repeat: np.ndarray, n: int, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """n repeat customers: counts drawn from `x_repeat`, mean spends from the Gamma-Gamma story."""
    rng = np.random.default_rng(seed)
    x = rng.choice(x_repeat, size=n)
    nu = rng.gamma(SPEND["q"], 1 / SPEND["gamma"], size=n)
    return x, rng.gamma(SPEND["p"] * x, 1 / (nu * x))


def time_gamma_gamma(x: np.ndarray, m: np.ndarray, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        gg = gamma_gamma.fit(x, m)
        times.append(time.perf_counter() - started)
    distinct = np.unique(np.stack([x, m]), axis=1).shape[1]
    worst = max(abs(getattr(gg, k) / v - 1) for k, v in SPEND.items())
    print(
        f"gamma-gamma {statistics.median(times):5.2f} s (median of {repeat}: "
        f"{', '.join(f'{t:.2f}' for t in times)}) on {x.size:,} repeat customers "
        f"({distinct:,} distinct (x, m))  "
        f"p={gg.p:.4f} q={gg.q:.4f} gamma={gg.gamma:.4f} (largest difference from the truth {worst:.2%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--gg-customers", type=int, default=600_000, help="Gamma-Gamma fit; 0 skips it.")
    parser.add_argument("--skip-lifetimes", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="Fits per library; the median is compared.")
    args = parser.parse_args()
    x, t_x, T = simulate(args.customers)
    ours_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        ours = bgnbd.fit(x, t_x, T)
        ours_times.append(time.perf_counter() - started)
    ours_s = statistics.median(ours_times)
    print(
        f"inyeon  {ours_s:7.2f} s (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in ours_times)})  "
        f"r={ours.r:.4f} alpha={ours.alpha:.4f} a={ours.a:.4f} b={ours.b:.4f} LL={ours.log_likelihood:.1f}"
    )
    if args.gg_customers:
        time_gamma_gamma(*simulate_spend(x[x > 0], args.gg_customers), args.repeat)
    if args.skip_lifetimes:
        return
    from lifetimes import BetaGeoFitter

    theirs_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        theirs = BetaGeoFitter().fit(x, t_x, T)
        theirs_times.append(time.perf_counter() - started)
    theirs_s = statistics.median(theirs_times)
    p = theirs.params_
    print(
        f"lifetimes {theirs_s:5.2f} s (median of {args.repeat}: "
        f"{', '.join(f'{t:.2f}' for t in theirs_times)})  "
        f"r={p['r']:.4f} alpha={p['alpha']:.4f} a={p['a']:.4f} b={p['b']:.4f}"
    )
    worst = max(abs(getattr(ours, k) / p[k] - 1) for k in ("r", "alpha", "a", "b"))
    print(f"speed-up {theirs_s / ours_s:.1f}x (medians); largest parameter difference {worst:.1e} (relative)")


if __name__ == "__main__":
    main()
