"""Python's cyclic garbage collector around jobs that make millions of short-lived objects.

Each burst of allocations makes the collector walk every object the process holds, however few
of them could be cyclic garbage; in a million-row job that walk costs as much as the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No automatic collections inside; the job may call `collect_young` at each step so that
    cyclic garbage made by one step does not pile up."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def collect_young() -> None:
    """Collect the two young generations only: what a step left behind, not the whole process."""
    gc.collect(1)
