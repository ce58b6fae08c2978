"""Shapes shared by several resources."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import BaseModel, ConfigDict


class OutSchema(BaseModel):
    """A response shape validated by pydantic alone.

    ninja's `Schema` wraps every nested object in an attribute getter so that it can read ORM
    objects and run `resolve_*` methods; for the large responses (a page of 50 contacts) that
    costs more than the database. Views that build plain dicts use this base instead.
    """

    model_config = ConfigDict(from_attributes=True)


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
