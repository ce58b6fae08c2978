"""Imports, exports, duplicate candidates, merges and the rules that find duplicates."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.customers.models import Contact


class RecordKind(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    ACCOUNTS = "accounts", _("Accounts")
    ORDERS = "orders", _("Orders")
    PRODUCTS = "products", _("Products")
    LEADS = "leads", _("Leads")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportMode(models.TextChoices):
    STRICT = "strict", _("Strict: write nothing if any row is bad")
    LENIENT = "lenient", _("Lenient: write the good rows, report the bad ones")


class SavedMapping(models.Model):
    """A column mapping kept for the next file from the same source: {header: field}."""

    kind = models.CharField(_("record type"), max_length=10, choices=RecordKind.choices)
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_saved_mapping_name")
        ]
        verbose_name = _("saved mapping")

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class ImportJob(models.Model):
    """One import of one file: its settings, progress and outcome."""

    kind = models.CharField(_("record type"), max_length=10, choices=RecordKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    mode = models.CharField(_("mode"), max_length=8, choices=ImportMode.choices, default=ImportMode.STRICT)
    dry_run = models.BooleanField(_("dry run"), default=False)
    file_path = models.CharField(max_length=500)
    original_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(max_length=4, default="csv")
    encoding = models.CharField(max_length=20, blank=True, default="")
    mapping = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first errors: {line, column, value, rule}
    error_file_path = models.CharField(max_length=500, blank=True, default="")
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"import #{self.pk} {self.kind} {self.original_name}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportJob(models.Model):
    """A large export run in the background: the list's filters, progress and the finished file."""

    kind = models.CharField(_("record type"), max_length=10, choices=RecordKind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True, default="")
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"export #{self.pk} {self.kind}.{self.file_format}"


class MatchRules(models.Model):
    """The one set of duplicate rules (row id 1), edited by an admin."""

    exact_email = models.BooleanField(_("same e-mail"), default=True)
    exact_phone = models.BooleanField(_("same phone"), default=True)
    exact_external_id = models.BooleanField(_("same external id"), default=True)
    fuzzy_enabled = models.BooleanField(_("similar names"), default=True)
    fuzzy_threshold = models.PositiveSmallIntegerField(_("similar names: minimum score (0-100)"), default=85)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("duplicate rules")

    def __str__(self) -> str:
        return "duplicate rules"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicateCandidate(models.Model):
    """Two contacts that may be the same person (first has the lower id), with the score and why."""

    first = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_duplicate_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="pair_in_order"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "-score", "id"]),
            models.Index(fields=["second"]),
        ]
        verbose_name = _("duplicate candidate")

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score})"


class DuplicateScan(models.Model):
    """One search for duplicate candidates over the whole base: progress and outcome."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.FloatField(default=0.0)
    step = models.CharField(max_length=100, blank=True, default="")
    contacts_checked = models.PositiveIntegerField(default=0)
    candidates_found = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"duplicate scan #{self.pk}"


class MergeRecord(models.Model):
    """A merge of one contact into another, with everything needed to undo it.

    `snapshot` holds the merged contact's fields and channels, the survivor's fields before the
    merge, and the ids of every related row that was re-pointed.
    """

    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    merged_contact_id = models.BigIntegerField()
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-merged_at", "-id"]
        verbose_name = _("merge")

    def __str__(self) -> str:
        return f"merge {self.merged_contact_id} -> {self.survivor_id}"
