"""Opportunities and pipelines."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class OpportunityIn(Schema):
    name: str | None = None
    account_id: int | None = None
    contact_id: int | None = None
    pipeline_id: int | None = Field(None, description="Create only; the default pipeline when left out.")
    stage_id: int | None = Field(None, description="Create only (an open stage); then use `/move`.")
    amount: int | None = Field(None, description="In minor units of `currency` (KRW has none).")
    currency: str | None = None
    close_date: dt.date | None = None
    probability: int | None = Field(None, description="0-100; the stage's probability when left out.")
    forecast_category: str | None = Field(None, description="pipeline, best_case, commit or omitted.")
    source: str | None = None
    description: str | None = None
    owner_id: int | None = None


class OpportunityPatch(Schema):
    """Only the fields sent change; `version` is the alternative to If-Match."""

    name: str | None = None
    account_id: int | None = None
    contact_id: int | None = None
    amount: int | None = None
    currency: str | None = None
    close_date: dt.date | None = None
    probability: int | None = None
    forecast_category: str | None = None
    source: str | None = None
    description: str | None = None
    owner_id: int | None = None
    version: int | None = None


class MoveIn(Schema):
    stage_id: int
    close_reason_id: int | None = Field(None, description="Required for a won or lost stage, of that kind.")
    probability: int | None = Field(None, description="0-100; the stage's probability when left out.")
    version: int | None = Field(None, description="The version you moved from; or send If-Match.")


class OpportunityOut(Schema):
    id: int
    version: int
    name: str
    account_id: int | None
    account_name: str | None
    contact_id: int | None
    pipeline_id: int
    stage_id: int
    stage_name: str
    amount: int
    currency: str
    close_date: dt.date | None
    probability: int
    forecast_category: str
    status: str
    close_reason_id: int | None
    closed_at: dt.datetime | None
    source: str
    description: str
    owner_id: int
    team_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class OpportunityPage(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None


class StageChangeOut(Schema):
    from_stage_id: int | None
    to_stage_id: int
    changed_by_id: int | None
    changed_at: dt.datetime


class OpportunityDetailOut(OpportunityOut):
    history: list[StageChangeOut]


class StageIn(Schema):
    id: int | None = Field(None, description="An existing stage; leave out for a new one.")
    name_ko: str
    name_en: str = ""
    position: int
    probability: int
    kind: str = "open"


class PipelineIn(Schema):
    name_ko: str
    name_en: str = ""
    is_default: bool | None = None
    active: bool | None = None
    stages: list[StageIn]
    transitions: list[tuple[int, int]] = Field(
        default_factory=list, description="Allowed moves as [from position, to position] pairs."
    )


class StageOut(Schema):
    id: int
    name_ko: str
    name_en: str
    position: int
    probability: int
    kind: str


class TransitionOut(Schema):
    from_stage_id: int
    to_stage_id: int


class CloseReasonOut(Schema):
    id: int
    kind: str
    label_ko: str
    label_en: str
    active: bool


class PipelineOut(Schema):
    id: int
    name_ko: str
    name_en: str
    is_default: bool
    active: bool
    stages: list[StageOut]
    transitions: list[TransitionOut]


class PipelineList(Schema):
    items: list[PipelineOut]
    close_reasons: list[CloseReasonOut]


class OpportunityQuery(Schema):
    owner_id: int | None = None
    team_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    status: str = Field("", description="open, won or lost.")
    close_from: dt.date | None = Field(None, description="Expected close date on or after.")
    close_to: dt.date | None = Field(None, description="Expected close date on or before.")
    account_id: int | None = None
    contact_id: int | None = None


class CloseReasonList(Schema):
    items: list[CloseReasonOut]


class CloseReasonIn(Schema):
    kind: str = Field(..., description="won or lost")
    label_ko: str
    label_en: str = ""
    active: bool = True


class CloseReasonPatch(Schema):
    kind: str | None = Field(None, description="won or lost; fixed once closed deals use the reason")
    label_ko: str | None = None
    label_en: str | None = None
    active: bool | None = Field(None, description="false retires the reason (never deleted)")
