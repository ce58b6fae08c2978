"""Schemas of exports: a request for a background export and the job it becomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ExportIn(Schema):
    kind: str = Field(description="contacts, accounts or orders.")
    format: str = Field("csv", description="csv or xlsx.")
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description="The list's filters, named as in its query: for contacts those of /contacts "
        "(q, lifecycle_stage, owner_id, segment, value_tier, ...), for accounts q and owner_id, for "
        "orders contact_id and account_id.",
    )


class ExportJobOut(Schema):
    id: int
    kind: str
    format: str
    filters: dict[str, Any]
    status: str
    total_rows: int
    processed_rows: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    message: str
    file_url: str | None = Field(description="Where to download the file once the job is done.")
