"""A short per-process memory of authenticated API tokens.

A client usually sends bursts of requests with one token; without this memory every request
would look its token and user up again. An entry lives `INYEON_API_TOKEN_CACHE_SECONDS` (default
10). Revoking a token, or saving or deleting any user or token, empties this process's memory at
once (see `CoreConfig.ready`); other server processes forget within those seconds, which is how
long a revoked token or a deactivated user may still be served elsewhere. 0 turns the memory off.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from django.conf import settings

from inyeon.core.models import User

_entries: dict[str, tuple[float, User]] = {}
MAX_ENTRIES = 10_000


def _ttl() -> float:
    return float(getattr(settings, "INYEON_API_TOKEN_CACHE_SECONDS", 0))


def recall(digest: str) -> User | None:
    """A private copy of the user this token digest authenticated within the TTL, else None."""
    entry = _entries.get(digest)
    if entry is None:
        return None
    expires, user = entry
    if time.monotonic() >= expires:
        _entries.pop(digest, None)
        return None
    return copy.copy(user)


def remember(digest: str, user: User) -> None:
    ttl = _ttl()
    if ttl <= 0:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[digest] = (time.monotonic() + ttl, copy.copy(user))


def forget_all(**kwargs: Any) -> None:
    """Signal receiver: a user or token changed, so no remembered answer can be trusted."""
    _entries.clear()
