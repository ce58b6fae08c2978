"""The timeline entries of a contact or an account as JSON."""

from __future__ import annotations

from typing import Any

from inyeon.customers.selectors import TimelineEntry

MAX_TIMELINE = 500


def timeline_body(entries: list[TimelineEntry]) -> list[dict[str, Any]]:
    return [
        {"at": e.at, "kind": e.kind, "title": str(e.title), "detail": e.detail, "record_id": e.obj.pk}
        for e in entries
    ]
