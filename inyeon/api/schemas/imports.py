"""Schemas of /api/v1/imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ImportProblemOut(Schema):
    line: int
    column: str
    value: str
    rule: str


class ImportOut(Schema):
    id: int
    kind: str
    status: str
    mode: str
    dry_run: bool
    file: str
    file_format: str
    encoding: str
    mapping: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total_rows: int
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    repeated_rows: int
    bad_rows: int
    errors: list[ImportProblemOut]
    errors_url: str | None
    message: str


class PreviewRowOut(Schema):
    line: int
    cells: list[str]
    clean: dict[str, Any] | None
    problems: list[ImportProblemOut]


class PreviewOut(Schema):
    headers: list[str]
    mapping: dict[str, str]
    encoding: str
    format: str
    problem: str
    rows: list[PreviewRowOut]
