"""Contacts and their consents."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from inyeon.api.schemas.analytics import ScoresOut
from inyeon.api.schemas.common import OutSchema


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
    """Only the fields sent change; `version` is the alternative to If-Match."""

    version: int | None = None


class ContactListItem(OutSchema):
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
    scores: ScoresOut | None = Field(None, description="The latest scores; null until the contact is scored.")


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


class ContactPage(OutSchema):
    items: list[ContactListItem]
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


class ContactQuery(Schema):
    """The filters of the contact list and its CSV export."""

    q: str = Field("", description="Name prefix (Hangul or Latin), 초성 such as ㄱㅁㅅ, e-mail or phone.")
    lifecycle_stage: str = Field("", description="prospect, new, existing, core or churned.")
    owner_id: int | None = None
    team_id: int | None = None
    account_id: int | None = None
    tag: str = ""
    created_after: dt.date | None = Field(None, description="On or after this date (YYYY-MM-DD).")
    created_before: dt.date | None = Field(None, description="On or before this date (YYYY-MM-DD).")
    segment: str = Field("", description="RFM segment key, such as champions or at_risk.")
    value_tier: str = Field("", description="A, B or C.")
    r_score: int | None = Field(None, ge=1, le=5, description="Recency score 1-5.")
    f_score: int | None = Field(None, ge=1, le=5, description="Frequency score 1-5.")
    m_score: int | None = Field(None, ge=1, le=5, description="Monetary score 1-5.")
    p_alive_min: float | None = Field(None, ge=0, le=1, description="P(alive) at least.")
    p_alive_max: float | None = Field(None, ge=0, le=1, description="P(alive) at most.")
