"""Reads of the calendar, the notifications and the feed, all scoped by `core.visibility`."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Q, QuerySet
from django.utils import timezone

from inyeon.activities.models import CalendarFeedToken, Notification
from inyeon.core.models import User
from inyeon.core.visibility import calendar_users
from inyeon.customers.models import Activity
from inyeon.customers.selectors import activities_visible

CALENDAR_KINDS = ("meeting", "call", "task")
# An iCalendar feed covers this window around today; calendar apps refetch it every few hours.
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
FEED_MAX_ITEMS = 2000


def calendar_owners(user: User) -> QuerySet[User]:
    """Whose calendars `user` may open: their own, and a manager's (or admin's) team members'."""
    return calendar_users(user).order_by("username")


def calendar_activities(
    *, user: User, owner: User, start: dt.datetime, end: dt.datetime, limit: int = 1000
) -> list[Activity]:
    """`owner`'s meetings, calls (by start) and tasks (by due time) in [start, end) that `user` sees."""
    in_range = Q(kind__in=("meeting", "call"), starts_at__gte=start, starts_at__lt=end) | Q(
        kind="task", due_at__gte=start, due_at__lt=end
    )
    qs = (
        activities_visible(user)
        .filter(owner=owner)
        .filter(in_range)
        .select_related("contact", "account")
        .only(
            "id",
            "kind",
            "subject",
            "starts_at",
            "ends_at",
            "due_at",
            "done_at",
            "location",
            "remind_before_minutes",
            "owner_id",
            "contact__id",
            "contact__display_name",
            "account__id",
            "account__name",
        )
    )
    items = list(qs[:limit])
    items.sort(key=lambda a: (a.calendar_at or start, a.pk))
    return items


def notification_list(*, user: User, limit: int = 100) -> list[Notification]:
    return list(
        Notification.objects.filter(user=user).select_related("activity").order_by("-id")[: max(1, limit)]
    )


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    # Capped: a header badge says "99+" rather than counting an unbounded backlog.
    return len(Notification.objects.filter(user=user, read_at__isnull=True).values_list("id")[:100])


def notification_get(*, user: User, pk: int) -> Notification:
    """The user's own notification; `Notification.DoesNotExist` for anybody else's."""
    return Notification.objects.get(user=user, pk=pk)


def feed_token_active(user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-id").first()


def feed_user(raw_token: str) -> User | None:
    """The active user whose feed `raw_token` opens; None for an unknown or revoked token."""
    digest = hashlib.sha256(raw_token.encode()).hexdigest()
    token = (
        CalendarFeedToken.objects.filter(digest=digest, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def feed_activities(user: User, *, now: dt.datetime | None = None) -> list[Activity]:
    """The user's own meetings, calls and tasks around today, as the feed shows them.

    Only records the user owns (and still may see); nothing of anybody else's.
    """
    now = now or timezone.now()
    start = now - dt.timedelta(days=FEED_PAST_DAYS)
    end = now + dt.timedelta(days=FEED_FUTURE_DAYS)
    return calendar_activities(user=user, owner=user, start=start, end=end, limit=FEED_MAX_ITEMS)
