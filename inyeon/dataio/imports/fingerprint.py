"""The digest of a clean row that tells a repeated row of a file (same match key, same values)
from a conflicting one (same key, other values).

It hashes a plain text of the values, each field as `name=value` in name order, every value
prefixed by its length so that no two rows share a text; the column-wise cleaner
(`imports.columns`) builds the same text for a whole chunk at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

FIELD_SEPARATOR = "\x1e"


def value_text(value: Any) -> str:
    """`5:Seoul`, `10:2024-03-05`; a list as `[2]` followed by its items' texts."""
    if isinstance(value, list):
        return f"[{len(value)}]" + "".join(value_text(v) for v in value)
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return f"{len(text)}:{text}"


def digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def fingerprint(data: dict[str, Any]) -> str:
    """A digest of a clean row, computed where the row is cleaned (in the worker processes)."""
    return digest(FIELD_SEPARATOR.join(f"{k}={value_text(v)}" for k, v in sorted(data.items())))
