"""Forms of the quote and contract pages. They carry strings to the services, which validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from inyeon.web.forms import BLANK, ServiceForm

LINE_ROWS_BLANK = 5
LINE_FIELDS = ("product_code", "description", "quantity", "unit_price", "discount", "tax_rate_id")


class QuoteForm(ServiceForm):
    title = forms.CharField(label=_("title"), required=False, max_length=200)
    currency = forms.CharField(label=_("currency"), required=False, max_length=3, initial="KRW")
    language = forms.ChoiceField(label=_("document language"), choices=[("ko", "한국어"), ("en", "English")])
    valid_until = forms.CharField(
        label=_("valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    discount = forms.CharField(
        label=_("quote discount"),
        required=False,
        max_length=20,
        help_text=_("A percentage such as 10%, or an amount such as 50000."),
    )
    terms = forms.CharField(label=_("terms"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_id = forms.ChoiceField(label=_("owner"), required=False, choices=BLANK)
    opportunity_id = forms.CharField(required=False, widget=forms.HiddenInput)
    account_id = forms.CharField(required=False, widget=forms.HiddenInput)
    contact_id = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def show_customer_fields(self) -> None:
        """A new quote not started from a customer's page asks for the customer's number."""
        for name, label in (("contact_id", _("contact number")), ("account_id", _("account number"))):
            field = self.fields[name]
            field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
            field.label = label
            field.help_text = _("The number in the address of the customer's page, e.g. 42 in /contacts/42/.")

    def service_data(self, lines: list[dict[str, str]], *, creating: bool) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if not creating:
            for key in ("opportunity_id", "account_id", "contact_id"):
                data.pop(key, None)
        if not data.get("owner_id"):
            data.pop("owner_id", None)
        data["lines"] = lines
        return data


def line_rows(post: QueryDict | None, existing: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The line rows of the editor: posted rows, or the existing lines plus blank rows."""
    if post is not None:
        count = int(post.get("line_count") or 0)
        count = max(0, min(count, 200))
        return [{f: post.get(f"line-{i}-{f}", "").strip() for f in LINE_FIELDS} for i in range(count)]
    blank = dict.fromkeys(LINE_FIELDS, "")
    return [*existing, *[dict(blank) for _row in range(LINE_ROWS_BLANK)]]


class ContractForm(ServiceForm):
    title = forms.CharField(label=_("title"), max_length=200)
    start_date = forms.CharField(label=_("start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.CharField(label=_("end date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.CharField(label=_("value"), required=False, help_text=_("In minor units (KRW: won)."))
    currency = forms.CharField(label=_("currency"), required=False, max_length=3, initial="KRW")
    auto_renew = forms.BooleanField(label=_("renews automatically"), required=False)
    renewal_months = forms.CharField(label=_("renewal period (months)"), required=False, initial="12")
    notice_days = forms.CharField(label=_("notice period (days)"), required=False, initial="30")
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("active", _("Active")), ("draft", _("Draft"))]
    )
    owner_id = forms.ChoiceField(label=_("owner"), required=False, choices=BLANK)
    account_id = forms.CharField(required=False, widget=forms.HiddenInput)
    contact_id = forms.CharField(required=False, widget=forms.HiddenInput)
    quote_id = forms.CharField(required=False, widget=forms.HiddenInput)
    opportunity_id = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self, *, creating: bool) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if not creating:
            for key in ("account_id", "contact_id", "quote_id", "opportunity_id"):
                data.pop(key, None)
        if not data.get("owner_id"):
            data.pop("owner_id", None)
        return data


class TaxRateForm(ServiceForm):
    """The admin form of a tax rate; the default and active ticks are read from the POST."""

    code = forms.CharField(label=_("code"), required=False, max_length=20)
    label_ko = forms.CharField(label=_("label (Korean)"), required=False, max_length=100)
    label_en = forms.CharField(label=_("label (English)"), required=False, max_length=100)
    rate_bp = forms.CharField(
        label=_("rate (basis points)"),
        required=False,
        max_length=6,
        help_text=_("1000 basis points are 10%."),
    )
