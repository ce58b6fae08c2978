"""A user's meetings, calls and tasks as an iCalendar (RFC 5545) document, built with `icalendar`.

The feed names the activity and its contact and account, and nothing else: no details (they may hold
phone numbers or notes), no e-mail addresses, no phone numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Todo

from inyeon.customers.models import Activity

DEFAULT_MEETING_MINUTES = 30


def _description(activity: Activity) -> str:
    parts = []
    if activity.contact_id and activity.contact is not None:
        parts.append(activity.contact.display_name)
    if activity.account_id and activity.account is not None:
        parts.append(activity.account.name)
    return " · ".join(parts)


def _alarm(activity: Activity) -> Alarm | None:
    if activity.remind_before_minutes is None:
        return None
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", activity.subject)
    alarm.add("trigger", -dt.timedelta(minutes=activity.remind_before_minutes))
    return alarm


def feed_calendar(*, name: str, activities: Iterable[Activity], host: str = "inyeon") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Inyeon CRM//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for activity in activities:
        component: Event | Todo
        if activity.kind == "task":
            component = Todo()
            if activity.due_at:
                component.add("due", activity.due_at)
            component.add("status", "COMPLETED" if activity.done_at else "NEEDS-ACTION")
            if activity.done_at:
                component.add("completed", activity.done_at)
        else:
            if activity.starts_at is None:
                continue
            component = Event()
            component.add("dtstart", activity.starts_at)
            component.add(
                "dtend",
                activity.ends_at or activity.starts_at + dt.timedelta(minutes=DEFAULT_MEETING_MINUTES),
            )
            component.add("categories", [activity.kind.upper()])
        component.add("uid", f"activity-{activity.pk}@{host}")
        component.add("dtstamp", stamp)
        component.add("summary", activity.subject)
        if activity.location:
            component.add("location", activity.location)
        description = _description(activity)
        if description:
            component.add("description", description)
        alarm = _alarm(activity)
        if alarm is not None:
            component.add_component(alarm)
        cal.add_component(component)
    return cal.to_ical()
