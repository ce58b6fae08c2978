"""Products, orders and activities. Money is integer minor units with an ISO 4217 currency."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class OrderLineIn(Schema):
    product_id: int | None = None
    quantity: int = 1
    unit_price: int | None = Field(None, description="Minor units; the product's price when left out.")
    description: str = ""


class OrderIn(Schema):
    contact_id: int | None = None
    account_id: int | None = None
    number: str = ""
    ordered_at: str | None = None
    currency: str = "KRW"
    channel: str = "online"
    status: str = "completed"
    external_id: str = ""
    total_amount: int | None = Field(None, description="Minor units; the sum of the lines when left out.")
    lines: list[OrderLineIn] = []


class OrderLineOut(Schema):
    product_id: int | None
    description: str
    quantity: int
    unit_price: int
    amount: int


class OrderOut(Schema):
    id: int
    version: int
    contact_id: int | None
    account_id: int | None
    number: str
    ordered_at: dt.datetime
    currency: str
    total_amount: int
    quantity: int
    channel: str
    status: str
    external_id: str
    owner_id: int


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class ActivityIn(Schema):
    kind: str = ""
    subject: str = ""
    body: str = ""
    contact_id: int | None = None
    account_id: int | None = None
    occurred_at: str | None = None
    due_at: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    duration_minutes: int | None = None
    location: str = ""
    remind_before_minutes: int | None = None


class ActivityPatch(Schema):
    """Only the fields sent change; `version` is the alternative to If-Match."""

    subject: str | None = None
    body: str | None = None
    due_at: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    duration_minutes: int | None = None
    location: str | None = None
    remind_before_minutes: int | None = None
    version: int | None = None


class ActivityOut(Schema):
    id: int
    version: int
    kind: str
    subject: str
    body: str
    contact_id: int | None
    account_id: int | None
    occurred_at: dt.datetime
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    owner_id: int
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location: str = ""
    remind_before_minutes: int | None = None
    remind_at: dt.datetime | None = None
    reminded_at: dt.datetime | None = None


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None
