"""A small per-process memory whose entries expire (the API's short caches share it).

Entries live `INYEON_API_TOKEN_CACHE_SECONDS` (read at each write, so tests may change it); with
0 nothing is remembered. A full memory is emptied rather than evicted entry by entry: the keys are
users and query shapes, so it refills at once with what is in use.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings

V = TypeVar("V")
_MISSING = object()


class ExpiringMemory(Generic[V]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}

    @staticmethod
    def ttl() -> float:
        return float(getattr(settings, "INYEON_API_TOKEN_CACHE_SECONDS", 0))

    def get(self, key: Hashable, default: Any = None) -> V | Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        if time.monotonic() >= entry[0]:
            self._entries.pop(key, None)
            return default
        return entry[1]

    def put(self, key: Hashable, value: V) -> None:
        ttl = self.ttl()
        if ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + ttl, value)

    def clear(self, **kwargs: Any) -> None:
        """Also a signal receiver: whatever changed, nothing remembered can be trusted."""
        self._entries.clear()
