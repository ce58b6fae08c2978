"""HTML forms of the lead pages. They carry strings to the lead services, which validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inyeon.customers.choices import ActivityKind, NameOrder
from inyeon.leads.models import (
    AssignmentField,
    AssignmentStrategy,
    LeadSource,
    LeadStatus,
    ScoringField,
    ScoringOperator,
)
from inyeon.web.forms import BLANK, ServiceForm

EDITABLE_STATUSES = [(v, label) for v, label in LeadStatus.choices if v != LeadStatus.CONVERTED]


class LeadEditForm(ServiceForm):
    family_name = forms.CharField(label=_("family name"), required=False, max_length=200)
    given_name = forms.CharField(label=_("given name"), required=False, max_length=200)
    display_name = forms.CharField(
        label=_("display name"),
        required=False,
        max_length=300,
        help_text=_("Leave empty to build it from the family and given names."),
    )
    name_order = forms.ChoiceField(label=_("name order"), choices=BLANK + NameOrder.choices, required=False)
    company = forms.CharField(label=_("company"), required=False, max_length=300)
    job_title = forms.CharField(label=_("job title"), required=False, max_length=200)
    industry = forms.CharField(label=_("industry"), required=False, max_length=200)
    company_size = forms.CharField(label=_("company size (employees)"), required=False, max_length=12)
    email = forms.CharField(label=_("e-mail"), required=False, max_length=300)
    phone = forms.CharField(label=_("phone"), required=False, max_length=40)
    region = forms.CharField(label=_("province / state"), required=False, max_length=200)
    country = forms.CharField(label=_("country"), required=False, max_length=10, initial="KR")
    source = forms.ChoiceField(label=_("source"), choices=LeadSource.choices, initial=LeadSource.MANUAL)
    status = forms.ChoiceField(label=_("status"), choices=EDITABLE_STATUSES, initial=LeadStatus.NEW)
    campaign = forms.CharField(label=_("campaign"), required=False, max_length=200)
    consent_email = forms.BooleanField(label=_("marketing e-mail consent"), required=False)
    consent_sms = forms.BooleanField(label=_("marketing SMS consent"), required=False)
    consent_purpose = forms.CharField(label=_("consent purpose"), required=False, max_length=300)
    owner_id = forms.ChoiceField(label=_("owner"), required=False, choices=BLANK)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    FIELDS = (
        "family_name",
        "given_name",
        "display_name",
        "name_order",
        "company",
        "job_title",
        "industry",
        "company_size",
        "email",
        "phone",
        "region",
        "country",
        "source",
        "status",
        "campaign",
        "consent_email",
        "consent_sms",
        "consent_purpose",
        "notes",
    )

    def service_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.FIELDS}
        if self.cleaned_data.get("owner_id"):
            data["owner_id"] = self.cleaned_data["owner_id"]
        return data


class LeadActivityForm(ServiceForm):
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("subject"), max_length=300)
    body = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConvertForm(ServiceForm):
    contact_id = forms.ChoiceField(label=_("contact"), required=False, widget=forms.RadioSelect)
    account_id = forms.ChoiceField(label=_("account"), required=False, widget=forms.RadioSelect)
    create_opportunity = forms.BooleanField(label=_("also create an opportunity"), required=False)
    opportunity_name = forms.CharField(label=_("opportunity name"), required=False, max_length=300)
    amount = forms.CharField(label=_("amount"), required=False, max_length=20)
    close_date = forms.CharField(
        label=_("expected close date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PublicLeadForm(forms.Form):
    """The fields a visitor fills in; the honeypot and the signed token travel with them."""

    display_name = forms.CharField(label=_("name"), max_length=200)
    company = forms.CharField(label=_("company"), required=False, max_length=200)
    job_title = forms.CharField(label=_("job title"), required=False, max_length=100)
    email = forms.CharField(label=_("e-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("phone"), required=False, max_length=40)
    notes = forms.CharField(label=_("message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    consent_email = forms.BooleanField(label=_("Send me marketing e-mail"), required=False)
    consent_sms = forms.BooleanField(label=_("Send me marketing text messages"), required=False)


class FormSettingsForm(ServiceForm):
    name = forms.CharField(label=_("name"), max_length=120)
    owner_id = forms.ChoiceField(label=_("owner"), choices=BLANK)
    team_id = forms.ChoiceField(label=_("team"), required=False, choices=BLANK)
    source = forms.ChoiceField(label=_("source"), choices=LeadSource.choices, initial=LeadSource.WEB_FORM)
    campaign = forms.CharField(label=_("campaign"), required=False, max_length=120)
    consent_purpose = forms.CharField(label=_("consent purpose"), required=False, max_length=200)
    thanks_message = forms.CharField(label=_("thank-you message"), required=False, max_length=300)
    min_fill_seconds = forms.IntegerField(label=_("minimum fill time (seconds)"), initial=3, min_value=0)


class ScoringRuleForm(ServiceForm):
    label = forms.CharField(label=_("reason shown"), max_length=120)
    field = forms.ChoiceField(label=_("field"), choices=ScoringField.choices)
    operator = forms.ChoiceField(label=_("condition"), choices=ScoringOperator.choices)
    value = forms.CharField(label=_("value"), required=False, max_length=300)
    points = forms.IntegerField(label=_("points"))
    position = forms.IntegerField(label=_("position"), required=False, min_value=0)


class AssignmentRuleForm(ServiceForm):
    name = forms.CharField(label=_("name"), max_length=120)
    field = forms.ChoiceField(label=_("when"), choices=AssignmentField.choices, required=False)
    values = forms.CharField(label=_("is one of"), required=False, max_length=300)
    strategy = forms.ChoiceField(label=_("assign by"), choices=AssignmentStrategy.choices)
    team_id = forms.ChoiceField(label=_("team"), required=False, choices=BLANK)
    user_id = forms.ChoiceField(label=_("user"), required=False, choices=BLANK)
    honour_working_hours = forms.BooleanField(label=_("honour working hours"), required=False, initial=True)
    position = forms.IntegerField(label=_("position"), required=False, min_value=0)


class WorkingHoursForm(ServiceForm):
    user_id = forms.ChoiceField(label=_("user"), choices=BLANK)
    weekdays = forms.CharField(
        label=_("working days"), max_length=7, initial="01234", help_text=_("Digits 0-6, 0 = Monday.")
    )
    start = forms.CharField(label=_("from"), max_length=5, initial="09:00")
    end = forms.CharField(label=_("until"), max_length=5, initial="18:00")
