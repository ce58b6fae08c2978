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
    """No automatic collections inside. Only for jobs that make no cyclic garbage as they go (a
    200,000-row import, collected after every chunk as a probe, left none): everything else is
    freed by reference counting, and the collector runs as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
