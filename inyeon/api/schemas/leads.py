"""Leads, their history and duplicates, conversion, and the lead settings admins keep."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class LeadIn(Schema):
    family_name: str | None = None
    given_name: str | None = None
    display_name: str | None = None
    name_order: str | None = None
    company: str | None = None
    job_title: str | None = None
    industry: str | None = None
    company_size: int | None = None
    email: str | None = None
    phone: str | None = None
    region: str | None = None
    country: str | None = None
    source: str | None = Field(
        None, description="web_form, api (the default here), import, manual, referral, event, other."
    )
    status: str | None = Field(
        None, description="new, working, qualified or unqualified (conversion is its own call)."
    )
    campaign: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_term: str | None = None
    utm_content: str | None = None
    consent_email: bool | None = None
    consent_sms: bool | None = None
    consent_purpose: str | None = None
    consent_source: str | None = None
    notes: str | None = None
    owner_id: int | None = None


class LeadCreateIn(LeadIn):
    auto_assign: bool = Field(
        False, description="Let the assignment rules choose the owner (unless owner_id is given)."
    )


class LeadPatch(LeadIn):
    version: int | None = None


class ReasonOut(Schema):
    points: int
    reason: str


class LeadListItem(Schema):
    id: int
    version: int
    display_name: str
    company: str
    email: str
    phone: str
    source: str
    status: str
    score: int
    owner_id: int
    team_id: int | None
    created_at: dt.datetime
    pii_masked: bool


class DuplicateOut(Schema):
    kind: str
    id: int
    name: str
    company: str
    score: int
    reasons: list[str]


class LeadOut(LeadListItem):
    family_name: str
    given_name: str
    name_order: str
    job_title: str
    industry: str
    company_size: int | None
    region: str
    country: str
    campaign: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    consent_email: bool
    consent_sms: bool
    consent_purpose: str
    consent_source: str
    consent_at: dt.datetime | None
    notes: str
    score_reasons: list[ReasonOut]
    win_probability: float | None
    updated_at: dt.datetime
    assigned_at: dt.datetime | None
    duplicates: list[DuplicateOut]
    converted_account_id: int | None
    converted_contact_id: int | None
    converted_opportunity_id: int | None
    converted_at: dt.datetime | None


class LeadPage(Schema):
    items: list[LeadListItem]
    next_cursor: str | None


class LeadQuery(Schema):
    q: str = Field(
        "", description="Name or company prefix (Hangul, 초성); e-mail or phone for roles that see them."
    )
    status: str = ""
    source: str = ""
    owner_id: int | None = None
    score_min: int | None = None


class LeadEventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    actor_id: int | None
    activity_kind: str
    subject: str
    body: str
    data: dict[str, object]
    activity_id: int | None


class LeadActivityIn(Schema):
    kind: str
    subject: str
    body: str = ""


class AssignIn(Schema):
    owner_id: int | None = Field(None, description="The new owner; leave out to run the assignment rules.")


class ConvertIn(Schema):
    account_id: int | None = Field(
        None, description="Link this account instead of creating one from the company."
    )
    contact_id: int | None = Field(
        None, description="Link this contact (e.g. a duplicate) instead of creating one."
    )
    create_opportunity: bool = False
    opportunity_name: str | None = None
    amount: int | None = None
    currency: str | None = None
    close_date: str | None = None
    version: int | None = None


class LeadFormIn(Schema):
    name: str
    owner_id: int
    team_id: int | None = None
    source: str = "web_form"
    campaign: str = ""
    consent_purpose: str = ""
    thanks_message: str = ""
    min_fill_seconds: int = 3


class LeadFormOut(Schema):
    id: int
    key: str
    name: str
    owner_id: int
    team_id: int | None
    source: str
    campaign: str
    consent_purpose: str
    thanks_message: str
    min_fill_seconds: int
    active: bool
    url: str


class ScoringRuleIn(Schema):
    label: str
    field: str
    operator: str
    value: str = ""
    points: int
    position: int = 0


class ScoringRuleOut(ScoringRuleIn):
    id: int
    active: bool


class AssignmentRuleIn(Schema):
    name: str
    field: str = ""
    values: str = ""
    strategy: str
    team_id: int | None = None
    user_id: int | None = None
    honour_working_hours: bool = True
    position: int | None = None


class AssignmentRuleOut(Schema):
    id: int
    name: str
    field: str
    values: str
    strategy: str
    team_id: int | None
    user_id: int | None
    honour_working_hours: bool
    position: int
    active: bool


class WorkingHoursIn(Schema):
    weekdays: str = Field("01234", description="Working days as digits, 0 = Monday.")
    start: str = "09:00"
    end: str = "18:00"


class WorkingHoursOut(Schema):
    user_id: int
    weekdays: str
    start: str
    end: str


class ScoreModelOut(Schema):
    trained: bool
    outcomes: int
    won: int
    in_use: bool
    min_outcomes: int
