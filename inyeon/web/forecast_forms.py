"""Forms of the forecast pages. They carry strings to the services, which validate and name fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import Team, User
from inyeon.forecasts.models import PeriodKind, PlanKind
from inyeon.web.forms import ServiceForm


class TargetForm(ServiceForm):
    subject = forms.ChoiceField(label=_("rep or team"))
    period = forms.CharField(
        label=_("period"), max_length=10, help_text=_("2026-Q4 (a quarter) or 2026-11 (a month).")
    )
    amount = forms.IntegerField(
        label=_("amount"), help_text=_("In minor units of the currency (KRW has none).")
    )
    currency = forms.CharField(label=_("currency"), max_length=3, initial="KRW")

    def __init__(self, *args: Any, people: list[User], teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [(f"u:{u.pk}", u.get_full_name() or u.username) for u in people]
        choices += [(f"t:{t.pk}", f"{_('team')}: {t.name}") for t in teams]
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def field_for(self, key: str) -> str:
        return "subject" if key in ("user_id", "team_id") else super().field_for(key)

    def service_data(self) -> dict[str, Any]:
        kind, _sep, pk = self.cleaned_data["subject"].partition(":")
        data = {k: self.cleaned_data[k] for k in ("period", "amount", "currency")}
        data["user_id" if kind == "u" else "team_id"] = int(pk)
        return data


class TargetEditForm(ServiceForm):
    amount = forms.IntegerField(label=_("amount"))
    currency = forms.CharField(label=_("currency"), max_length=3)
    version = forms.IntegerField(widget=forms.HiddenInput)


def _parse_rates(text: str, kind: str) -> list[dict[str, str]]:
    rates = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        left, sep, right = line.rpartition("=")
        if not sep or not left.strip():
            raise ValidationError(
                _("Line %(n)d: write “category = rate” or “band start = rate”.") % {"n": number}
            )
        key = "category" if kind == PlanKind.PRODUCT_CATEGORY else "from_pct"
        rates.append({key: left.strip().rstrip("%").strip(), "rate": right.strip().rstrip("%").strip()})
    return rates


class PlanForm(ServiceForm):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=PlanKind.choices)
    period_kind = forms.ChoiceField(label=_("period"), choices=PeriodKind.choices, initial=PeriodKind.QUARTER)
    currency = forms.CharField(label=_("currency"), max_length=3, initial="KRW")
    rates = forms.CharField(
        label=_("rates"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line. By category: “소프트웨어 = 5”. By attainment band: “0 = 2”, “80 = 4”, “100 = 6”."
        ),
    )
    default_rate = forms.CharField(
        label=_("default rate (%)"), required=False, initial="0", help_text=_("For categories not listed.")
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        try:
            data["rates"] = _parse_rates(data["rates"], data["kind"])
        except ValidationError as exc:
            self.add_error("rates", exc)
            raise
        data["default_rate"] = data.get("default_rate") or "0"
        return data


class AssignmentForm(ServiceForm):
    user_id = forms.ChoiceField(label=_("rep"))
    valid_from = forms.DateField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(u.pk), u.get_full_name() or u.username) for u in people]


class PayoutRunForm(ServiceForm):
    period = forms.CharField(
        label=_("period"), max_length=10, help_text=_("2026-Q4 (a quarter) or 2026-11 (a month).")
    )
