"""Schemas of /api/v1/documents."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class DocumentOut(Schema):
    id: int
    record_type: str
    record_id: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    owner_id: int
    created_at: dt.datetime
    download_url: str


class DocumentPage(Schema):
    items: list[DocumentOut]
    next_cursor: str | None
