"""Forecasts, targets, incentive plans and payouts. Money is integer minor units of `currency`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class PeriodOut(Schema):
    key: str
    kind: str
    start: dt.date
    end: dt.date = Field(description="The last day of the period.")


class FiguresOut(Schema):
    won_count: int
    won: int
    commit_count: int
    commit: int = Field(description="Open deals in the commit category.")
    best_case_count: int
    best_case: int
    pipeline_count: int
    pipeline: int
    weighted_open: int = Field(description="Σ amount × probability / 100 of the open deals.")
    orders: int = Field(description="Completed orders credited to attainment.")
    forecast_commit: int = Field(description="won + commit")
    forecast_best_case: int = Field(description="forecast_commit + best_case")
    forecast_total: int = Field(description="forecast_best_case + pipeline")
    weighted: int = Field(description="won + weighted_open")
    open_count: int
    attained: int = Field(description="won + orders")


class ForecastRowOut(Schema):
    kind: str = Field(description="team or rep")
    id: int
    name: str
    figures: FiguresOut
    target: int | None
    target_currency: str | None
    attainment_pct: Decimal | None
    forecast_pct: Decimal | None
    drill: str = Field(description="The API path one level down.")


class OtherCurrencyOut(Schema):
    currency: str
    count: int
    won: int
    open: int
    weighted: int


class ForecastDealOut(Schema):
    id: int
    name: str
    status: str
    stage: str
    forecast_category: str
    amount: int
    currency: str
    probability: int
    close_date: dt.date | None


class ForecastOut(Schema):
    period: PeriodOut
    currency: str
    level: str
    team_id: int | None
    user_id: int | None
    total: FiguresOut
    total_target: int | None
    rows: list[ForecastRowOut]
    other_currencies: list[OtherCurrencyOut]
    opportunities: list[ForecastDealOut] | None = None
    next_cursor: str | None = None


class TargetIn(Schema):
    user_id: int | None = None
    team_id: int | None = None
    period: str = Field("", description="2026-Q4 (a quarter) or 2026-11 (a month).")
    amount: int | None = None
    currency: str = "KRW"


class TargetPatch(Schema):
    amount: int | None = None
    currency: str | None = None
    version: int | None = None


class TargetOut(Schema):
    id: int
    version: int
    user_id: int | None
    team_id: int | None
    period: str
    period_kind: str
    period_start: dt.date
    amount: int
    currency: str


class TargetDetailOut(TargetOut):
    won: int
    orders: int
    attained: int
    attainment_pct: Decimal | None


class TargetPage(Schema):
    items: list[TargetOut]
    next_cursor: str | None


class PlanIn(Schema):
    name: str = ""
    kind: str = Field("", description="category or attainment")
    period_kind: str = "quarter"
    currency: str = "KRW"
    rates: list[dict[str, Any]] = Field(
        [],
        description='[{"category": "소프트웨어", "rate": "5"}] or [{"from_pct": 0, "rate": "2"}, ...]',
    )
    default_rate: str = "0"


class PlanPatch(Schema):
    name: str | None = None
    period_kind: str | None = None
    currency: str | None = None
    rates: list[dict[str, Any]] | None = None
    default_rate: str | None = None
    active: bool | None = None
    version: int | None = None


class AssignmentIn(Schema):
    user_id: int | None = None
    valid_from: str = ""
    valid_to: str | None = None


class AssignmentOut(Schema):
    id: int
    user_id: int
    valid_from: dt.date
    valid_to: dt.date | None


class PlanOut(Schema):
    id: int
    version: int
    name: str
    kind: str
    period_kind: str
    currency: str
    rates: list[dict[str, Any]]
    default_rate: Decimal
    active: bool


class PlanDetailOut(PlanOut):
    assignments: list[AssignmentOut]


class PayoutRunIn(Schema):
    period: str = ""
    user_ids: list[int] | None = None


class PayoutLineOut(Schema):
    opportunity_id: int | None
    order_id: int | None
    order_line_id: int | None
    description: str
    category: str
    base: int
    rate: Decimal
    amount: int


class PayoutOut(Schema):
    id: int
    version: int
    plan_id: int
    user_id: int
    period: str
    currency: str
    base_total: int
    amount_total: int
    target_amount: int | None
    attainment_pct: Decimal | None
    computed_at: dt.datetime


class PayoutDetailOut(PayoutOut):
    lines: list[PayoutLineOut]


class PayoutPage(Schema):
    items: list[PayoutOut]
    next_cursor: str | None


class StageFiguresOut(Schema):
    stage_id: int
    stage: str
    pipeline_id: int
    count: int
    amount: int
    weighted: int


class VersusOut(Schema):
    period: PeriodOut
    figures: FiguresOut
    target: int | None
    forecast_pct: Decimal | None
    attainment_pct: Decimal | None


class DealOut(Schema):
    id: int
    name: str
    owner_id: int
    amount: int
    currency: str
    probability: int
    close_date: dt.date | None
    stage: str


class DashboardOut(Schema):
    currency: str
    period: PeriodOut
    versus: list[VersusOut]
    stages: list[StageFiguresOut]
    won: int
    lost: int
    win_rate_pct: Decimal | None
    average_cycle_days: float | None
    top_deals: list[DealOut]
