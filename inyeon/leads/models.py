"""Leads and what an admin configures about them: capture forms, scoring rules, assignment rules and
users' working hours; each lead's history and its likely duplicates."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import OwnedRecord, Team
from inyeon.customers.choices import ActivityKind, NameOrder
from inyeon.customers.models import Account, Contact
from inyeon.sales.models import Opportunity


class LeadSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Manual entry")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Working")
    QUALIFIED = "qualified", _("Qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")
    CONVERTED = "converted", _("Converted")


OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED)


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


class LeadForm(models.Model):
    """A public capture form: who gets its leads, and under which source and campaign."""

    key = models.CharField(_("form key"), max_length=40, unique=True, default=new_form_key)
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        _("source"), max_length=12, choices=LeadSource.choices, default=LeadSource.WEB_FORM
    )
    campaign = models.CharField(_("campaign"), max_length=120, blank=True, default="")
    consent_purpose = models.CharField(
        _("consent purpose"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Shown next to the consent boxes and kept with the consent."),
    )
    thanks_message = models.CharField(_("thank-you message"), max_length=300, blank=True, default="")
    min_fill_seconds = models.PositiveSmallIntegerField(_("minimum fill time (seconds)"), default=3)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "pk"]
        verbose_name = _("lead form")
        verbose_name_plural = _("lead forms")

    def __str__(self) -> str:
        return self.name


class Lead(OwnedRecord):
    family_name = models.CharField(_("family name"), max_length=100, blank=True, default="")
    given_name = models.CharField(_("given name"), max_length=100, blank=True, default="")
    display_name = models.CharField(_("name"), max_length=200)
    name_order = models.CharField(
        _("name order"), max_length=8, choices=NameOrder.choices, default=NameOrder.EASTERN
    )
    search_name = models.CharField(max_length=200, editable=False, default="")
    name_initials = models.CharField(max_length=100, editable=False, default="")
    company = models.CharField(_("company"), max_length=200, blank=True, default="")
    # `search_key` of the company: the duplicate check finds the same company's leads through it.
    company_key = models.CharField(max_length=200, editable=False, default="")
    job_title = models.CharField(_("job title"), max_length=100, blank=True, default="")
    industry = models.CharField(_("industry"), max_length=100, blank=True, default="")
    company_size = models.PositiveIntegerField(_("company size (employees)"), null=True, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    region = models.CharField(_("province / state"), max_length=100, blank=True, default="")
    country = models.CharField(_("country"), max_length=2, blank=True, default="KR")
    source = models.CharField(
        _("source"), max_length=12, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    status = models.CharField(_("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW)
    score = models.IntegerField(_("score"), default=0)
    score_reasons = models.JSONField(default=list, blank=True)
    win_probability = models.FloatField(_("learned win probability"), null=True, blank=True)
    campaign = models.CharField(_("campaign"), max_length=120, blank=True, default="")
    utm_source = models.CharField("utm_source", max_length=120, blank=True, default="")
    utm_medium = models.CharField("utm_medium", max_length=120, blank=True, default="")
    utm_campaign = models.CharField("utm_campaign", max_length=120, blank=True, default="")
    utm_term = models.CharField("utm_term", max_length=120, blank=True, default="")
    utm_content = models.CharField("utm_content", max_length=120, blank=True, default="")
    consent_email = models.BooleanField(_("marketing e-mail consent"), default=False)
    consent_sms = models.BooleanField(_("marketing SMS consent"), default=False)
    consent_purpose = models.CharField(_("consent purpose"), max_length=200, blank=True, default="")
    consent_source = models.CharField(_("consent source"), max_length=100, blank=True, default="")
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    form = models.ForeignKey(LeadForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    converted_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="converted_leads"
    )
    converted_opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes: ClassVar = [
            models.Index(fields=["owner", "created_at", "id"]),
            models.Index(fields=["team", "created_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["score", "id"]),
            # Load-based assignment counts a user's open leads.
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["search_name", "id"]),
            models.Index(fields=["company_key"]),
            models.Index(fields=["email"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LeadEvent(models.Model):
    """One entry of a lead's history: created, changed, assigned, scored, an activity, converted.

    Activities logged on a lead are events of kind "activity"; conversion copies them to the new
    contact's timeline and links each copy here (`activity`)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")
        ASSIGNED = "assigned", _("Assigned")
        ACTIVITY = "activity", _("Activity")
        CONVERTED = "converted", _("Converted")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity_kind = models.CharField(max_length=10, choices=ActivityKind.choices, blank=True, default="")
    subject = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    activity = models.ForeignKey(
        "customers.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["lead", "at"])]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.kind}"


class LeadDuplicate(models.Model):
    """A likely duplicate of a lead found at capture: another lead or a contact."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="duplicates")
    other_lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(default=100)
    reasons = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar = ["-score", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(other_lead__isnull=False) | models.Q(contact__isnull=False),
                name="lead_duplicate_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} ~ {self.other_lead_id or self.contact_id}"


class ScoringField(models.TextChoices):
    SOURCE = "source", _("source")
    INDUSTRY = "industry", _("industry")
    JOB_TITLE = "job_title", _("job title")
    COMPANY_SIZE = "company_size", _("company size (employees)")
    REGION = "region", _("province / state")
    COUNTRY = "country", _("country")
    CAMPAIGN = "campaign", _("campaign")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    COMPANY = "company", _("company")
    ACTIVITIES = "activities", _("activities logged")
    CONSENT_EMAIL = "consent_email", _("marketing e-mail consent")


class ScoringOperator(models.TextChoices):
    EQUALS = "equals", _("is one of")
    CONTAINS = "contains", _("contains one of")
    AT_LEAST = "at_least", _("is at least")
    AT_MOST = "at_most", _("is at most")
    PRESENT = "present", _("is filled in")


class ScoringRule(models.Model):
    """Points a lead earns (or loses) when a field meets a condition; the label is the reason shown."""

    label = models.CharField(_("reason shown"), max_length=120)
    field = models.CharField(_("field"), max_length=20, choices=ScoringField.choices)
    operator = models.CharField(_("condition"), max_length=10, choices=ScoringOperator.choices)
    value = models.CharField(
        _("value"), max_length=300, blank=True, default="", help_text=_("Several values separated by commas.")
    )
    points = models.IntegerField(_("points"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")

    def __str__(self) -> str:
        return self.label


class LeadScoreModel(models.Model):
    """A logistic regression learned from converted leads whose opportunity was won or lost."""

    trained_at = models.DateTimeField(default=timezone.now)
    outcomes = models.PositiveIntegerField()
    won = models.PositiveIntegerField()
    features = models.JSONField(default=list)
    coefficients = models.JSONField(default=list)
    intercept = models.FloatField(default=0.0)

    class Meta:
        ordering: ClassVar = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d} ({self.outcomes})"


class AssignmentStrategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round-robin within the team")
    LOAD = "load", _("Fewest open leads in the team")
    USER = "user", _("A named user")


class AssignmentField(models.TextChoices):
    ANY = "", _("every lead")
    REGION = "region", _("province / state")
    COUNTRY = "country", _("country")
    SOURCE = "source", _("source")
    INDUSTRY = "industry", _("industry")


class AssignmentRule(models.Model):
    """Evaluated in `position` order; the first rule whose condition the lead meets assigns it."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    field = models.CharField(
        _("when"), max_length=10, choices=AssignmentField.choices, blank=True, default=AssignmentField.ANY
    )
    values = models.CharField(
        _("is one of"), max_length=300, blank=True, default="", help_text=_("Separated by commas.")
    )
    strategy = models.CharField(_("assign by"), max_length=12, choices=AssignmentStrategy.choices)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    honour_working_hours = models.BooleanField(_("honour working hours"), default=True)
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """When a user takes new leads: days of the week (0 = Monday) and a local time window."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekdays = models.CharField(_("working days"), max_length=7, default="01234")
    start = models.TimeField(_("from"), default=dt.time(9, 0))
    end = models.TimeField(_("until"), default=dt.time(18, 0))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.weekdays} {self.start}-{self.end}"
