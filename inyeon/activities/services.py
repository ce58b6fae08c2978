"""Writes of the calendar context: sending due reminders, reading notifications, feed tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from inyeon.activities.models import CalendarFeedToken, Notification, NotificationKind
from inyeon.core.audit import audit
from inyeon.core.models import User
from inyeon.customers.models import Activity

log = logging.getLogger(__name__)

FEED_TOKEN_PREFIX = "ical_"
REMINDER_BATCH = 200


@dataclass(frozen=True)
class ReminderMail:
    to: str
    subject: str
    body: str


def _reminder_texts(activity: Activity) -> tuple[str, str]:
    """Title and mail body in the owner's language; subjects and record names, no personal data."""
    when = activity.calendar_at
    with translation.override(activity.owner.language or settings.LANGUAGE_CODE):
        local = timezone.localtime(when) if when else None
        stamp = formats.date_format(local, "DATETIME_FORMAT") if local else ""
        if activity.kind == "task":
            title = _("Task due %(when)s: %(subject)s") % {"when": stamp, "subject": activity.subject}
        else:
            title = _("%(kind)s at %(when)s: %(subject)s") % {
                "kind": activity.get_kind_display(),
                "when": stamp,
                "subject": activity.subject,
            }
        lines = [title]
        if activity.location:
            lines.append(_("Location: %(location)s") % {"location": activity.location})
        if activity.contact_id and activity.contact is not None:
            lines.append(_("Contact: %(name)s") % {"name": activity.contact.display_name})
        if activity.account_id and activity.account is not None:
            lines.append(_("Account: %(name)s") % {"name": activity.account.name})
        return title[:300], "\n".join(lines)


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every reminder whose time has come, once: an in-app notification and an e-mail.

    Each activity is marked reminded in the same transaction that writes its notification, and the
    notification is unique per activity and moment, so two runs (or two workers) never send twice.
    Mail goes out after the commit; a mail that fails is logged, the notification stays.
    Returns how many reminders were sent.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        mails: list[ReminderMail] = []
        with transaction.atomic():
            due = list(
                Activity.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(remind_at__isnull=False, remind_at__lte=now, reminded_at__isnull=True)
                .select_related("owner", "contact", "account")
                .order_by("remind_at", "id")[:REMINDER_BATCH]
            )
            if not due:
                return sent
            for activity in due:
                activity.reminded_at = now
                activity.save(update_fields=["reminded_at"])
                if activity.done_at is not None or not activity.owner.is_active:
                    continue
                title, body = _reminder_texts(activity)
                _, created = Notification.objects.get_or_create(
                    user=activity.owner,
                    kind=NotificationKind.REMINDER,
                    activity=activity,
                    about_at=activity.calendar_at,
                    defaults={"title": title, "created_at": now},
                )
                if not created:
                    continue
                sent += 1
                if activity.owner.email:
                    mails.append(ReminderMail(activity.owner.email, title, body))
            transaction.on_commit(lambda batch=mails: _send_mails(batch))  # type: ignore[misc]


def _send_mails(mails: list[ReminderMail]) -> None:
    for mail in mails:
        try:
            send_mail(mail.subject, mail.body, None, [mail.to])
        except Exception:
            log.exception("reminder mail to %s failed", mail.to)


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    if notification.user_id != actor.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feed_token_create(*, user: User, ip: str | None = None) -> tuple[CalendarFeedToken, str]:
    """A new secret feed URL token for `user` (shown once); any earlier one stops working."""
    raw = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        _revoke_all(user=user, ip=ip)
        token = CalendarFeedToken.objects.create(user=user, prefix=raw[:12], digest=_digest(raw))
        audit(
            actor=user,
            action="create",
            entity="calendar_feed_token",
            entity_id=token.pk,
            ip=ip,
            changes={"prefix": [None, token.prefix]},
        )
    return token, raw


def feed_token_revoke(*, user: User, ip: str | None = None) -> int:
    """Revoke `user`'s feed URL; calendar apps that use it get 404 from now on."""
    with transaction.atomic():
        return _revoke_all(user=user, ip=ip)


def _revoke_all(*, user: User, ip: str | None) -> int:
    now = timezone.now()
    tokens = list(CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit(
            actor=user,
            action="update",
            entity="calendar_feed_token",
            entity_id=token.pk,
            ip=ip,
            changes={"revoked_at": [None, now.isoformat()]},
        )
    return len(tokens)


def feed_token_used(*, user: User) -> None:
    """Note when the feed was last fetched (shown on the profile page); at most once a minute."""
    cutoff = timezone.now() - dt.timedelta(minutes=1)
    CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
        last_used_at__gte=cutoff
    ).update(last_used_at=timezone.now())
