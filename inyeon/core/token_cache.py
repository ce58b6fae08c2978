"""A short per-process memory of authenticated API tokens.

A client usually sends bursts of requests with one token; without this memory every request
would look its token and user up again. An entry lives `INYEON_API_TOKEN_CACHE_SECONDS` (default
10). Revoking a token, or saving or deleting any user or token, empties this process's memory at
once (see `CoreConfig.ready`); other server processes forget within those seconds, which is how
long a revoked token or a deactivated user may still be served elsewhere. 0 turns the memory off.
"""

from __future__ import annotations

import copy
from typing import Any

from inyeon.core.memory import ExpiringMemory
from inyeon.core.models import User

_memory: ExpiringMemory[User] = ExpiringMemory(max_entries=10_000)


def recall(digest: str) -> User | None:
    """A private copy of the user this token digest authenticated within the TTL, else None."""
    user = _memory.get(digest)
    return None if user is None else copy.copy(user)


def remember(digest: str, user: User) -> None:
    _memory.put(digest, copy.copy(user))


def forget_all(**kwargs: Any) -> None:
    """Signal receiver: a user or token changed, so no remembered answer can be trusted."""
    _memory.clear()
