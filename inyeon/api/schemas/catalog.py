"""The product catalogue, price lists and the configurator. Money is integer minor units."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

MINOR = "Minor units of `currency` (KRW has none: 30000 is ₩30,000)."


class SpecIn(Schema):
    name: str
    value: str = ""


class ProductIn(Schema):
    code: str = ""
    name_ko: str = ""
    name_en: str = ""
    description_ko: str = ""
    description_en: str = ""
    specs: list[SpecIn] = []
    category: str = ""
    unit_price: int = Field(0, description=MINOR)
    currency: str = "KRW"
    active: bool = True


class ProductPatch(Schema):
    """Only the fields sent change; `specs` replaces the list."""

    version: int | None = Field(None, description="The version you edited (or send If-Match).")
    code: str | None = None
    name_ko: str | None = None
    name_en: str | None = None
    description_ko: str | None = None
    description_en: str | None = None
    specs: list[SpecIn] | None = None
    category: str | None = None
    unit_price: int | None = Field(None, description=MINOR)
    currency: str | None = None
    active: bool | None = None


class ProductOut(Schema):
    id: int
    version: int
    code: str
    name_ko: str
    name_en: str
    category: str
    unit_price: int
    currency: str
    active: bool


class ProductPage(Schema):
    items: list[ProductOut]
    next_cursor: str | None


class SpecOut(Schema):
    name: str
    value: str


class ImageOut(Schema):
    id: int
    url: str
    content_type: str
    size: int
    width: int
    height: int
    alt: str
    original_name: str


class OptionOut(Schema):
    id: int
    code: str
    name_ko: str
    name_en: str
    price_adjustment: int = Field(description="Minor units of the product's currency; may be negative.")
    prices: dict[str, int] = Field(description="Adjustments in other currencies, by ISO 4217 code.")
    position: int


class OptionGroupOut(Schema):
    id: int
    name_ko: str
    name_en: str
    choice: str = Field(description="single or multiple")
    required: bool
    position: int
    options: list[OptionOut]


class OptionRuleOut(Schema):
    id: int
    kind: str = Field(description="requires or excludes")
    option_id: int
    option_code: str
    target_id: int
    target_code: str


class OptionsOut(Schema):
    groups: list[OptionGroupOut]
    rules: list[OptionRuleOut]


class ProductDetailOut(ProductOut):
    description_ko: str
    description_en: str
    specs: list[SpecOut]
    images: list[ImageOut]
    option_groups: list[OptionGroupOut]
    option_rules: list[OptionRuleOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class OptionGroupIn(Schema):
    name_ko: str = ""
    name_en: str = ""
    choice: str = Field("single", description="single or multiple")
    required: bool = False
    position: int | None = None


class OptionPriceIn(Schema):
    currency: str
    amount: int


class OptionIn(Schema):
    group_id: int | None = None
    code: str = ""
    name_ko: str = ""
    name_en: str = ""
    price_adjustment: int = Field(0, description="Minor units of the product's currency; may be negative.")
    prices: list[OptionPriceIn] = []
    position: int | None = None


class OptionRuleIn(Schema):
    option: int | str = Field(description="The option's id or code.")
    kind: str = Field(description="requires or excludes")
    target: int | str = Field(description="The other option's id or code.")


class ConfigureIn(Schema):
    options: list[int | str] = Field([], description="The chosen options' ids or codes.")
    currency: str = Field("", description="ISO 4217; the product's currency when left out.")
    contact_id: int | None = Field(None, description="Price for this contact's value tier / RFM segment.")
    on: dt.date | None = Field(None, description="Price on this date (today when left out).")


class AdjustmentOut(Schema):
    option_id: int
    option_code: str
    amount: int


class PriceListRefOut(Schema):
    id: int
    name: str
    segment_kind: str
    segment: str


class PriceOut(Schema):
    unit_price: int = Field(description="base_price plus the adjustments, minor units.")
    base_price: int
    currency: str
    source: str = Field(description="price_list or list_price (the product's own price)")
    price_list: PriceListRefOut | None
    adjustments: list[AdjustmentOut]


class PriceListIn(Schema):
    name: str = ""
    currency: str = ""
    segment_kind: str = Field("everyone", description="everyone, value_tier or rfm_segment")
    segment: str = Field("", description="A, B or C for value_tier; an RFM segment key such as champions.")
    valid_from: str | None = Field(None, description="YYYY-MM-DD, inclusive.")
    valid_to: str | None = Field(None, description="YYYY-MM-DD, inclusive; leave out for open-ended.")
    notes: str = ""


class PriceListPatch(Schema):
    version: int | None = None
    name: str | None = None
    currency: str | None = None
    segment_kind: str | None = None
    segment: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    notes: str | None = None


class PriceListOut(Schema):
    id: int
    version: int
    name: str
    currency: str
    segment_kind: str
    segment: str
    valid_from: dt.date
    valid_to: dt.date | None
    notes: str


class PriceListPage(Schema):
    items: list[PriceListOut]
    next_cursor: str | None


class PriceItemIn(Schema):
    price: int = Field(description=MINOR)


class PriceItemOut(Schema):
    product_id: int
    product_code: str
    price: int


class PriceItemPage(Schema):
    items: list[PriceItemOut]
    next_cursor: str | None


class OptionGroupPatch(Schema):
    """Only the fields sent change; a null means unchanged."""

    name_ko: str | None = None
    name_en: str | None = None
    choice: str | None = Field(None, description="single or multiple")
    required: bool | None = None
    position: int | None = None


class OptionPatch(Schema):
    """Only the fields sent change; a null means unchanged. `prices` replaces the whole set."""

    code: str | None = None
    name_ko: str | None = None
    name_en: str | None = None
    price_adjustment: int | None = Field(None, description="Minor units of the product's currency.")
    prices: list[OptionPriceIn] | None = Field(
        None, description="Adjustments in other currencies; [] removes them."
    )
    position: int | None = None
