"""Accounts (organisations)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class AccountIn(Schema):
    name: str | None = None
    business_number: str | None = None
    industry: str | None = None
    website: str | None = None
    phone: str | None = None
    email: str | None = None
    external_id: str | None = None
    source: str | None = None
    owner_id: int | None = None


class AccountPatch(AccountIn):
    version: int | None = None


class AccountOut(Schema):
    id: int
    version: int
    name: str
    business_number: str
    industry: str
    website: str
    phone: str
    email: str
    external_id: str
    source: str
    owner_id: int
    team_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountPage(Schema):
    items: list[AccountOut]
    next_cursor: str | None
