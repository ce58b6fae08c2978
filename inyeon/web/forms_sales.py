"""Forms of the sales pages. They carry strings to the services, which validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inyeon.sales.models import ForecastCategory
from inyeon.web.forms import BLANK, ServiceForm

OPEN_CATEGORIES = [(v, label) for v, label in ForecastCategory.choices if v != ForecastCategory.CLOSED]


class OpportunityForm(ServiceForm):
    name = forms.CharField(label=_("name"), required=False, max_length=300)
    account_id = forms.CharField(
        label=_("account"), required=False, max_length=20, help_text=_("The account's number (see its page).")
    )
    contact_id = forms.CharField(
        label=_("contact"), required=False, max_length=20, help_text=_("The contact's number (see its page).")
    )
    pipeline_id = forms.ChoiceField(label=_("pipeline"), required=False, choices=BLANK)
    amount = forms.CharField(label=_("amount"), required=False, max_length=20)
    currency = forms.CharField(label=_("currency"), required=False, max_length=3, initial="KRW")
    close_date = forms.CharField(
        label=_("expected close date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    probability = forms.CharField(
        label=_("probability (%)"),
        required=False,
        max_length=3,
        help_text=_("Leave empty to use the stage's probability."),
    )
    forecast_category = forms.ChoiceField(
        label=_("forecast category"), required=False, choices=OPEN_CATEGORIES
    )
    source = forms.CharField(label=_("source"), required=False, max_length=60)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_id = forms.ChoiceField(label=_("owner"), required=False, choices=BLANK)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self, *, creating: bool) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "owner_id", "pipeline_id")}
        if creating and self.cleaned_data.get("pipeline_id"):
            data["pipeline_id"] = self.cleaned_data["pipeline_id"]
        if self.cleaned_data.get("owner_id"):
            data["owner_id"] = self.cleaned_data["owner_id"]
        if not creating and "forecast_category" in self.fields and not data.get("forecast_category"):
            data.pop("forecast_category", None)
        return data


class StageRowForm(forms.Form):
    """One stage in the pipeline editor (blank rows add stages)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name_ko = forms.CharField(label=_("name (Korean)"), required=False, max_length=100)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=100)
    position = forms.CharField(label=_("position"), required=False, max_length=5)
    probability = forms.CharField(label=_("probability (%)"), required=False, max_length=5)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("open", _("open")), ("won", _("won")), ("lost", _("lost"))]
    )
    delete = forms.BooleanField(label=_("delete"), required=False)


class CloseReasonForm(ServiceForm):
    kind = forms.ChoiceField(label=_("kind"), choices=[("won", _("won")), ("lost", _("lost"))])
    label_ko = forms.CharField(label=_("label (Korean)"), required=False, max_length=100)
    label_en = forms.CharField(label=_("label (English)"), required=False, max_length=100)
