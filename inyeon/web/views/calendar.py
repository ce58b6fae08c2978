"""The personal calendar (month and week), notifications, and the iCalendar feed and its URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inyeon.activities import ical, selectors, services
from inyeon.core.audit import client_ip, log_access
from inyeon.core.models import AccessLog, User
from inyeon.customers.models import Activity
from inyeon.web.views.common import current_user, get_or_404, int_or_none


@dataclass
class Day:
    date: dt.date
    in_month: bool
    today: bool
    items: list[Activity] = field(default_factory=list)


def _parse_date(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return default


def _first_weekday() -> int:
    """Monday = 0, as `datetime` counts; the locale's FIRST_DAY_OF_WEEK counts from Sunday = 0."""
    return (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - _first_weekday()) % 7)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _grid(view: str, anchor: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """First and last shown day (end exclusive), and the previous and next anchors."""
    if view == "week":
        start = _week_start(anchor)
        return (
            start,
            start + dt.timedelta(days=7),
            anchor - dt.timedelta(days=7),
            anchor + dt.timedelta(days=7),
        )
    first = anchor.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    start = _week_start(first)
    end = _week_start(following - dt.timedelta(days=1)) + dt.timedelta(days=7)
    return start, end, previous, following


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    view = "week" if request.GET.get("view") == "week" else "month"
    today = timezone.localdate()
    anchor = _parse_date(request.GET.get("date"), today)
    owners = selectors.calendar_owners(user)
    owner_id = int_or_none(request.GET.get("user"))
    owner: User | None = user if owner_id in (None, user.pk) else owners.filter(pk=owner_id).first()
    if owner is None:
        raise Http404
    start, end, previous, following = _grid(view, anchor)
    items = selectors.calendar_activities(user=user, owner=owner, start=_aware(start), end=_aware(end))
    days: dict[dt.date, Day] = {}
    cursor = start
    while cursor < end:
        days[cursor] = Day(cursor, view == "week" or cursor.month == anchor.month, cursor == today)
        cursor += dt.timedelta(days=1)
    for activity in items:
        at = activity.calendar_at
        if at is not None:
            day = days.get(timezone.localdate(at))
            if day is not None:
                day.items.append(activity)
    all_days = list(days.values())
    return render(
        request,
        "web/calendar/calendar.html",
        {
            "view": view,
            "anchor": anchor,
            "today": today,
            "previous": previous,
            "following": following,
            "weeks": [all_days[i : i + 7] for i in range(0, len(all_days), 7)],
            "weekdays": [d.date for d in all_days[:7]],
            "owner": owner,
            "owners": owners if owners.count() > 1 else [],
            "item_count": len(items),
        },
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "web/calendar/notifications.html",
        {"notifications": selectors.notification_list(user=user, limit=200)},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    notification = get_or_404(selectors.notification_get, user=user, pk=pk)
    services.notification_mark_read(notification=notification, actor=user)
    return redirect("web:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=current_user(request))
    return redirect("web:notifications")


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The user's calendar feed URL: make one (shown once), make a new one, or turn it off."""
    user = current_user(request)
    feed_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _token, raw = services.feed_token_create(user=user, ip=client_ip(request))
            feed_url = request.build_absolute_uri(f"/calendar/feed/{raw}.ics")
        elif action == "revoke":
            services.feed_token_revoke(user=user, ip=client_ip(request))
            messages.success(request, _("Your calendar feed URL no longer works."))
            return redirect("web:calendar_feed_settings")
    return render(
        request,
        "web/calendar/feed.html",
        {"token": selectors.feed_token_active(user), "feed_url": feed_url},
    )


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no session, the secret token in the URL is the credential."""
    owner = selectors.feed_user(token)
    if owner is None:
        raise Http404
    activities = selectors.feed_activities(owner)
    body = ical.feed_calendar(
        name=_("Inyeon: %(user)s") % {"user": owner.get_full_name() or owner.username},
        activities=activities,
        host=request.get_host().split(":")[0] or "inyeon",
    )
    # Contact names identify people: each fetch that names any is in the personal data access log.
    log_access(
        actor=owner,
        action=AccessLog.Action.LIST,
        subject_type="contact",
        subject_ids=sorted({a.contact_id for a in activities if a.contact_id}),
        ip=client_ip(request),
        detail="iCalendar feed",
    )
    services.feed_token_used(user=owner)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="inyeon.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("calendar/", calendar_view, name="calendar"),
    path("calendar/feed/", feed_settings, name="calendar_feed_settings"),
    path("calendar/feed/<str:token>.ics", feed, name="calendar_feed"),
    path("notifications/", notification_list, name="notifications"),
    path("notifications/read/", notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", notification_read, name="notification_read"),
]
