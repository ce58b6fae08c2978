"""HTML forms for the catalogue. They carry strings to the catalog services, which validate; amounts
are typed in major units (12,000 or 12.50) and handed over in minor units."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import list_currencies
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inyeon.catalog.models import ChoiceKind, RuleKind, SegmentKind
from inyeon.core.money import major_to_minor, minor_to_major
from inyeon.web.forms import ServiceForm


def parse_amount(text: str, currency: str) -> int | None:
    """Minor units from a typed amount such as `12,000` or `12.50`; None when it is not a number."""
    cleaned = (text or "").replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        Decimal(cleaned)
    except InvalidOperation:
        return None
    code = currency.upper() if currency.upper() in list_currencies() else "KRW"
    return major_to_minor(cleaned, code)


def show_amount(minor: int, currency: str) -> str:
    major = minor_to_major(minor, currency)
    return f"{major:.0f}" if float(major).is_integer() else f"{major}"


class AmountField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("In the currency's main unit, e.g. 12000 or 12.50."))
        super().__init__(**kwargs)


class ProductForm(ServiceForm):
    code = forms.CharField(label=_("code"), max_length=60)
    name_ko = forms.CharField(label=_("name (Korean)"), max_length=300)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=300)
    category = forms.CharField(label=_("category"), required=False, max_length=150)
    unit_price = AmountField(label=_("list price"), required=False)
    currency = forms.CharField(label=_("currency"), max_length=3, initial="KRW")
    active = forms.BooleanField(label=_("on sale"), required=False, initial=True)
    description_ko = forms.CharField(
        label=_("description (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_en = forms.CharField(
        label=_("description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    specs = forms.CharField(
        label=_("specifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: name, a colon, the value (e.g. 중량: 100 g)."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_unit_price(self) -> int | None:
        text = self.cleaned_data.get("unit_price", "")
        if not text:
            return 0
        amount = parse_amount(text, self.data.get("currency", "KRW"))
        if amount is None:
            raise ValidationError(_("Enter an amount such as 12000 or 12.50."))
        return amount

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_for(product: Any) -> dict[str, Any]:
        initial = {
            name: getattr(product, name)
            for name in (
                "code",
                "name_ko",
                "name_en",
                "category",
                "currency",
                "active",
                "description_ko",
                "description_en",
                "version",
            )
        }
        initial["unit_price"] = show_amount(product.unit_price, product.currency)
        initial["specs"] = "\n".join(f"{s['name']}: {s['value']}" for s in product.specs or [])
        return initial


class ImageForm(ServiceForm):
    file = forms.FileField(label=_("image"), help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    alt = forms.CharField(label=_("description"), required=False, max_length=200)


class PriceListForm(ServiceForm):
    name = forms.CharField(label=_("name"), max_length=300)
    currency = forms.CharField(label=_("currency"), max_length=3, initial="KRW")
    segment_kind = forms.ChoiceField(label=_("customer segment"), choices=SegmentKind.choices)
    segment = forms.CharField(
        label=_("segment"),
        required=False,
        max_length=30,
        help_text=_("A, B or C for a value tier; an RFM segment such as champions."),
    )
    valid_from = forms.CharField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.CharField(
        label=_("valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Inclusive; leave empty for no end."),
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PriceItemForm(ServiceForm):
    product_code = forms.CharField(label=_("product code"), max_length=60)
    price = AmountField(label=_("price"))

    def field_for(self, key: str) -> str:
        return "product_code" if key == "product_id" else super().field_for(key)


class OptionGroupForm(ServiceForm):
    name_ko = forms.CharField(label=_("name (Korean)"), max_length=150)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=150)
    choice = forms.ChoiceField(label=_("choice"), choices=ChoiceKind.choices)
    required = forms.BooleanField(label=_("required"), required=False)


class OptionForm(ServiceForm):
    group_id = forms.ChoiceField(label=_("option group"), choices=[])
    code = forms.CharField(label=_("code"), max_length=60)
    name_ko = forms.CharField(label=_("name (Korean)"), max_length=150)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=150)
    price_adjustment = forms.CharField(
        label=_("price adjustment"),
        required=False,
        max_length=30,
        help_text=_("In the product's currency; negative for a discount."),
    )


class OptionRuleForm(ServiceForm):
    option = forms.ChoiceField(label=_("option"), choices=[])
    kind = forms.ChoiceField(label=_("rule"), choices=RuleKind.choices)
    target = forms.ChoiceField(label=_("other option"), choices=[])


class OptionGroupEditForm(OptionGroupForm):
    position = forms.IntegerField(label=_("position"), min_value=0, required=False)


class OptionEditForm(ServiceForm):
    code = forms.CharField(label=_("code"), max_length=60)
    name_ko = forms.CharField(label=_("name (Korean)"), max_length=150)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=150)
    price_adjustment = forms.CharField(
        label=_("price adjustment"),
        required=False,
        max_length=30,
        help_text=_("In the product's currency; negative for a discount."),
    )
    prices = forms.CharField(
        label=_("adjustments in other currencies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: the currency code, then the amount, e.g. USD 7.50."),
    )
    position = forms.IntegerField(label=_("position"), min_value=0, required=False)


def signed_amount(text: str, currency: str) -> int | None:
    """Minor units from a typed amount that may start with a minus sign; None when not a number."""
    text = (text or "").strip()
    amount = parse_amount(text.lstrip("-"), currency)
    if amount is None:
        return None
    return -amount if text.startswith("-") else amount


def prices_text(prices: dict[str, int]) -> str:
    return "\n".join(f"{c} {show_amount(a, c)}" for c, a in sorted(prices.items()))


def parse_prices(text: str) -> list[dict[str, Any]]:
    """`USD 7.50` per line -> [{"currency": "USD", "amount": 750}]; a ValidationError on `prices`
    naming the line otherwise (the service checks the currency codes)."""
    out: list[dict[str, Any]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        currency, _sep, amount_text = line.strip().partition(" ")
        currency = currency.strip().upper()
        amount = signed_amount(amount_text, currency)
        if amount is None:
            raise ValidationError(
                {
                    "prices": [
                        _("Line %(n)d: write the currency code, a space, then the amount.") % {"n": number}
                    ]
                }
            )
        out.append({"currency": currency, "amount": amount})
    return out
