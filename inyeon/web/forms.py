"""HTML forms. They only carry strings to the services, which validate; errors come back per field."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inyeon.core.errors import error_dict
from inyeon.customers.choices import (
    ActivityKind,
    Channel,
    ConsentChannel,
    ConsentStatus,
    LifecycleStage,
    NameOrder,
)

BLANK: list[tuple[str, Any]] = [("", "—")]


class ServiceForm(forms.Form):
    """A form whose validation errors come from a service's ValidationError."""

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, messages in error_dict(exc).items():
            field = self.field_for(key)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def field_for(self, key: str) -> str:
        return key.split("[", 1)[0] if key != "__all__" else "__all__"


class ContactForm(ServiceForm):
    family_name = forms.CharField(label=_("family name"), required=False, max_length=200)
    given_name = forms.CharField(label=_("given name"), required=False, max_length=200)
    display_name = forms.CharField(
        label=_("display name"),
        required=False,
        max_length=300,
        help_text=_("Leave empty to build it from the family and given names."),
    )
    name_order = forms.ChoiceField(label=_("name order"), choices=BLANK + NameOrder.choices, required=False)
    account = forms.CharField(
        label=_("account"),
        required=False,
        max_length=300,
        help_text=_("The account's exact name or its number."),
    )
    job_title = forms.CharField(label=_("job title"), required=False, max_length=200)
    emails = forms.CharField(
        label=_("e-mails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the primary e-mail."),
    )
    phones = forms.CharField(
        label=_("phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. 010-1234-5678 or +1 415 555 0100."),
    )
    address_postal_code = forms.CharField(label=_("postal code"), required=False, max_length=20)
    address_region = forms.CharField(label=_("province / state"), required=False, max_length=200)
    address_city = forms.CharField(label=_("city / district"), required=False, max_length=200)
    address_line1 = forms.CharField(label=_("road-name address / street"), required=False, max_length=300)
    address_line2 = forms.CharField(label=_("detail (building, unit)"), required=False, max_length=300)
    address_country = forms.CharField(label=_("country"), required=False, max_length=10, initial="KR")
    birth_date = forms.CharField(
        label=_("birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_channel = forms.ChoiceField(
        label=_("preferred channel"), choices=BLANK + Channel.choices, required=False
    )
    language = forms.ChoiceField(
        label=_("language"),
        required=False,
        choices=[("ko", "한국어"), ("en", "English"), ("ja", "日本語"), ("zh", "中文")],
    )
    tags = forms.CharField(label=_("tags"), required=False, help_text=_("Separated by commas."))
    source = forms.CharField(label=_("source"), required=False, max_length=100)
    referred_by_id = forms.CharField(label=_("referred by (contact id)"), required=False, max_length=20)
    lifecycle_stage = forms.ChoiceField(
        label=_("lifecycle stage"), choices=LifecycleStage.choices, initial=LifecycleStage.PROSPECT
    )
    owner_id = forms.ChoiceField(label=_("owner"), required=False, choices=BLANK)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    ADDRESS_FIELDS = ("postal_code", "region", "city", "line1", "line2", "country")

    def field_for(self, key: str) -> str:
        if key == "account_id":
            return "account"
        if key.startswith("addresses["):
            return "address_" + key.rsplit(".", 1)[-1] if "." in key else "address_line1"
        return super().field_for(key)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            k: d[k]
            for k in (
                "family_name",
                "given_name",
                "display_name",
                "name_order",
                "job_title",
                "birth_date",
                "preferred_channel",
                "language",
                "source",
                "lifecycle_stage",
                "notes",
                "referred_by_id",
            )
        }
        data["emails"] = [e.strip() for e in d["emails"].splitlines() if e.strip()]
        data["phones"] = [p.strip() for p in d["phones"].splitlines() if p.strip()]
        data["tags"] = [t.strip() for t in d["tags"].split(",") if t.strip()]
        address = {k: d[f"address_{k}"] for k in self.ADDRESS_FIELDS}
        has_address = any(v for k, v in address.items() if k != "country")
        data["addresses"] = [{**address, "country": address["country"] or "KR"}] if has_address else []
        if d.get("owner_id"):
            data["owner_id"] = d["owner_id"]
        return data


class AccountForm(ServiceForm):
    name = forms.CharField(label=_("name"), max_length=300)
    business_number = forms.CharField(label=_("business registration number"), required=False)
    industry = forms.CharField(label=_("industry"), required=False)
    website = forms.CharField(label=_("website"), required=False)
    phone = forms.CharField(label=_("phone"), required=False)
    email = forms.CharField(label=_("e-mail"), required=False)
    source = forms.CharField(label=_("source"), required=False)
    owner_id = forms.ChoiceField(label=_("owner"), required=False, choices=BLANK)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "owner_id")}
        if self.cleaned_data.get("owner_id"):
            data["owner_id"] = self.cleaned_data["owner_id"]
        return data


class ConsentForm(ServiceForm):
    channel = forms.ChoiceField(label=_("channel"), choices=ConsentChannel.choices)
    status = forms.ChoiceField(label=_("status"), choices=ConsentStatus.choices)
    purpose = forms.CharField(label=_("purpose"), required=False, max_length=300)
    source = forms.CharField(label=_("source"), required=False, max_length=200)


class ActivityForm(ServiceForm):
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("subject"), required=False, max_length=300)
    body = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_at = forms.CharField(
        label=_("due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    starts_at = forms.CharField(
        label=_("starts"),
        required=False,
        help_text=_("Meetings and calls."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.CharField(
        label=_("ends"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("location"), required=False, max_length=200)
    remind_before_minutes = forms.ChoiceField(
        label=_("reminder"),
        required=False,
        choices=[
            ("", _("No reminder")),
            ("0", _("At the time")),
            ("15", _("15 minutes before")),
            ("60", _("1 hour before")),
            ("1440", _("1 day before")),
        ],
    )


class ScoringSettingsForm(ServiceForm):
    """The scoring rules; the service checks the ranges and names the field of each error."""

    new_within_days = forms.IntegerField(label=_("New: first purchase within (days)"))
    churn_after_days = forms.IntegerField(label=_("Churned: no purchase for more than (days)"))
    churn_p_alive_below = forms.FloatField(label=_("Churned: P(alive) below"))
    core_tiers = forms.CharField(
        label=_("Core: value tiers"), max_length=20, help_text=_("For example A or A,B.")
    )
    core_min_frequency_score = forms.IntegerField(label=_("Core: frequency score at least"))
    tier_a_share = forms.FloatField(label=_("Tier A: top share of customers"))
    tier_b_share = forms.FloatField(label=_("Tier B: top share of customers (cumulative)"))
    referral_share = forms.FloatField(label=_("Share of referred customers' CLV in equity"))
    annual_discount_rate = forms.FloatField(label=_("Annual discount rate"))
    schedule_hour = forms.IntegerField(
        label=_("Daily scoring at (hour)"), required=False, help_text=_("Empty: no scheduled scoring.")
    )
    segment_map = forms.CharField(
        label=_("RFM segment map (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_('Empty: the default 5x5 map. Each segment: en, ko and its R/F cells such as "55".'),
    )

    def clean_segment_map(self) -> Any:
        text = self.cleaned_data.get("segment_map", "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(_("This is not valid JSON: %(reason)s") % {"reason": exc.msg}) from None

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
