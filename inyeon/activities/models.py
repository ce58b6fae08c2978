"""In-app notifications (activity reminders) and the secret tokens of the personal iCalendar feeds.

The activities themselves (with their start, end, due time and reminder) are `customers.Activity`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")


class Notification(models.Model):
    """A message to one user, shown in the page header until it is marked read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    activity = models.ForeignKey(
        "customers.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # When the reminded moment was: one notification per activity and moment, so a reminder sent
    # twice (two workers, a retried job) still shows once, while a rescheduled one shows again.
    about_at = models.DateTimeField(_("when"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "kind", "activity", "about_at"], name="unique_notification_per_moment"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["user", "-id"], name="notification_user_list"),
            models.Index(
                fields=["user"], name="notification_user_unread", condition=models.Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeedToken(models.Model):
    """The secret in a user's iCalendar feed URL. Only a SHA-256 digest is stored; shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "revoked_at"], name="feedtoken_user_active")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
