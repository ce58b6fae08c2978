"""Schemas of duplicate candidates, merges, scans and the match rules."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from inyeon.api.schemas.contacts import ContactOut


class PossibleDuplicateOut(Schema):
    id: int
    display_name: str
    score: int = Field(description="0-100; 100 is an exact match on e-mail, phone or external id.")
    reasons: list[str] = Field(
        description="email, phone, external_id (exact); name, account, birth_date, address, postal_code, "
        "phone_tail (similar name and what else the two share)."
    )


class ContactCreatedOut(ContactOut):
    possible_duplicates: list[PossibleDuplicateOut]


class PairContactOut(Schema):
    id: int
    display_name: str


class DifferenceOut(Schema):
    field: str
    label: str
    first: str
    second: str


class CandidateOut(Schema):
    id: int
    first: PairContactOut
    second: PairContactOut
    score: int
    reasons: list[str]
    status: str
    found_at: dt.datetime
    differences: list[DifferenceOut]


class CandidatePage(Schema):
    items: list[CandidateOut]
    next_cursor: str | None


class MergeIn(Schema):
    survivor: int = Field(description="The contact that stays.")
    merged: int = Field(description="The contact merged into it and deleted (undo brings it back).")
    choices: dict[str, str] = Field(
        default_factory=dict,
        description="Field -> 'survivor' or 'merged': whose value the survivor keeps (default: survivor)",
    )


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_contact_id: int
    merged_by_id: int | None
    merged_at: dt.datetime
    undone_at: dt.datetime | None
    undone_by_id: int | None


class ScanOut(Schema):
    id: int
    status: str
    progress: float
    step: str
    contacts_checked: int
    candidates_found: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    message: str


class RulesOut(Schema):
    exact_email: bool
    exact_phone: bool
    exact_external_id: bool
    fuzzy_enabled: bool
    fuzzy_threshold: int
    updated_at: dt.datetime


class RulesPatch(Schema):
    exact_email: bool | None = None
    exact_phone: bool | None = None
    exact_external_id: bool | None = None
    fuzzy_enabled: bool | None = None
    fuzzy_threshold: int | None = None
