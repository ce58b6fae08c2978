"""Input and output schemas of the API. Inputs are loose; the services validate and name fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class AddressIn(Schema):
    kind: str = "home"
    country: str = "KR"
    postal_code: str = ""
    region: str = ""
    city: str = ""
    line1: str = ""
    line2: str = ""


class ContactIn(Schema):
    family_name: str | None = None
    given_name: str | None = None
    display_name: str | None = None
    name_order: str | None = None
    account_id: int | None = None
    job_title: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    addresses: list[AddressIn] | None = None
    birth_date: str | None = None
    preferred_channel: str | None = None
    language: str | None = None
    tags: list[str] | None = None
    source: str | None = None
    external_id: str | None = None
    referred_by_id: int | None = None
    lifecycle_stage: str | None = None
    notes: str | None = None
    owner_id: int | None = None


class ContactPatch(ContactIn):
    version: int | None = None


class ContactListItem(Schema):
    id: int
    version: int
    display_name: str
    family_name: str
    given_name: str
    account_id: int | None
    email: str
    phone: str
    lifecycle_stage: str
    owner_id: int
    team_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    pii_masked: bool


class ContactOut(ContactListItem):
    name_order: str
    account_name: str | None
    job_title: str
    emails: list[str]
    phones: list[str]
    addresses: list[str]
    birth_date: str
    preferred_channel: str
    language: str
    tags: list[str]
    source: str
    external_id: str
    referred_by_id: int | None
    notes: str


class Page(Schema):
    items: list[Any]
    next_cursor: str | None


class ContactPage(Schema):
    items: list[ContactListItem]
    next_cursor: str | None


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


class ConsentIn(Schema):
    channel: str
    status: str
    purpose: str = ""
    source: str = ""


class ConsentOut(Schema):
    id: int
    channel: str
    status: str
    purpose: str
    source: str
    recorded_at: dt.datetime
    recorded_by_id: int | None


class ConsentStateOut(Schema):
    current: dict[str, ConsentOut | None]
    history: list[ConsentOut]


class ProductIn(Schema):
    code: str = ""
    name_ko: str = ""
    name_en: str = ""
    category: str = ""
    unit_price: int = 0
    currency: str = "KRW"


class ProductOut(Schema):
    id: int
    code: str
    name_ko: str
    name_en: str
    category: str
    unit_price: int
    currency: str
    active: bool


class OrderLineIn(Schema):
    product_id: int | None = None
    quantity: int = 1
    unit_price: int | None = None
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
    total_amount: int | None = None
    lines: list[OrderLineIn] = []


class OrderLineOut(Schema):
    product_id: int | None
    description: str
    quantity: int
    unit_price: int
    amount: int


class OrderOut(Schema):
    id: int
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


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    contact_id: int | None
    account_id: int | None
    occurred_at: dt.datetime
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    owner_id: int


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None


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
