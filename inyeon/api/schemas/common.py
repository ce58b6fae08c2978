"""Shapes shared by several resources."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class TimelineEntryOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str
    record_id: int


class MeOut(Schema):
    id: int
    username: str
    role: str
    team_id: int | None
    language: str
    sees_personal_data: bool
