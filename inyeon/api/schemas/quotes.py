"""Quotes (with versions and lines) and contracts. Money is integer minor units of the currency."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

DISCOUNT = "A percentage ('10%', '12.5%') or an amount in minor units ('5000'); empty for none."


class QuoteLineIn(Schema):
    product_id: int | None = None
    description: str = ""
    quantity: int = 1
    unit_price: int | None = Field(None, description="Minor units; the product's price when left out.")
    discount: str = Field("", description=DISCOUNT)
    tax_code: str | None = Field(None, description="KR-VAT (10%, default), KR-ZERO, KR-EXEMPT, ...")
    tax_rate_id: int | None = None


class QuoteIn(Schema):
    opportunity_id: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    title: str = ""
    currency: str = "KRW"
    language: str = Field("ko", description="Language of the PDF and e-mail: ko or en.")
    valid_until: dt.date | None = Field(None, description="Default: 30 days from today.")
    notes: str = ""
    terms: str = ""
    owner_id: int | None = None
    discount: str = Field("", description="Quote-level discount. " + DISCOUNT)
    lines: list[QuoteLineIn] = []


class QuotePatch(Schema):
    title: str | None = None
    currency: str | None = None
    language: str | None = None
    valid_until: dt.date | None = None
    notes: str | None = None
    terms: str | None = None
    owner_id: int | None = None
    discount: str | None = Field(None, description=DISCOUNT)
    lines: list[QuoteLineIn] | None = Field(
        None, description="All the lines; once the current version was sent this starts the next version."
    )
    version: int | None = Field(None, description="The record version you edited (or send If-Match).")


class QuoteLineOut(Schema):
    position: int
    product_id: int | None
    description: str
    quantity: int
    unit_price: int
    discount: str
    tax_rate_id: int
    tax_rate_bp: int = Field(description="Basis points: 1000 = 10%.")
    gross: int
    line_discount: int
    net: int


class QuoteVersionOut(Schema):
    number: int
    discount: str
    subtotal: int
    discount_total: int
    tax_total: int
    total: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    lines: list[QuoteLineOut]


class QuoteOut(Schema):
    id: int
    version: int
    number: str
    opportunity_id: int | None
    account_id: int | None
    contact_id: int | None
    title: str
    currency: str
    language: str
    valid_until: dt.date
    status: str
    notes: str
    terms: str
    current_version: int
    total: int
    sent_at: dt.datetime | None
    decided_at: dt.datetime | None
    order_id: int | None
    owner_id: int
    team_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class QuoteDetailOut(QuoteOut):
    current: QuoteVersionOut


class QuotePage(Schema):
    items: list[QuoteOut]
    next_cursor: str | None


class ContractIn(Schema):
    title: str = ""
    account_id: int | None = None
    contact_id: int | None = None
    quote_id: int | None = None
    opportunity_id: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    value: int = Field(0, description="Minor units of `currency`.")
    currency: str = "KRW"
    auto_renew: bool = False
    renewal_months: int = 12
    notice_days: int = 30
    status: str = Field("active", description="draft or active.")
    owner_id: int | None = None


class ContractPatch(Schema):
    title: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    value: int | None = None
    currency: str | None = None
    auto_renew: bool | None = None
    renewal_months: int | None = None
    notice_days: int | None = None
    status: str | None = Field(None, description="Only draft → active here; see /renew and /terminate.")
    owner_id: int | None = None
    version: int | None = None


class ContractOut(Schema):
    id: int
    version: int
    number: str
    title: str
    account_id: int | None
    contact_id: int | None
    quote_id: int | None
    opportunity_id: int | None
    start_date: dt.date
    end_date: dt.date
    notice_deadline: dt.date
    value: int
    currency: str
    auto_renew: bool
    renewal_months: int
    notice_days: int
    status: str
    previous_id: int | None
    next_id: int | None
    reminder_id: int | None
    owner_id: int
    team_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ContractPage(Schema):
    items: list[ContractOut]
    next_cursor: str | None


class TaxRateOut(Schema):
    id: int
    code: str
    label_ko: str
    label_en: str
    rate_bp: int = Field(..., description="Basis points: 1000 = 10%.")
    is_default: bool
    active: bool
    in_use: bool = Field(..., description="Quote lines use it: its rate_bp can no longer change.")


class TaxRateList(Schema):
    items: list[TaxRateOut]


class TaxRateIn(Schema):
    code: str = Field(..., description="Unique, at most 20 characters.")
    label_ko: str
    label_en: str = ""
    rate_bp: int = Field(..., description="0–10000 basis points (1000 = 10%).")
    is_default: bool = Field(False, description="true makes this the one default (the old one is unset).")
    active: bool = True


class TaxRatePatch(Schema):
    code: str | None = None
    label_ko: str | None = None
    label_en: str | None = None
    rate_bp: int | None = Field(None, description="Refused once quote lines use the rate.")
    is_default: bool | None = Field(None, description="Only true: make another rate the default instead.")
    active: bool | None = Field(None, description="false retires the rate (never deleted).")
