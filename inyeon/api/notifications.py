"""/api/v1/notifications: the caller's own in-app notifications (activity reminders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from inyeon.activities import selectors, services
from inyeon.activities.models import Notification
from inyeon.api.common import actor
from inyeon.api.schemas.problems import problems

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    activity_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationList(Schema):
    items: list[NotificationOut]
    unread: int


def notification_body(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "activity_id": notification.activity_id,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get("", response={200: NotificationList}, summary="Your latest notifications")
def list_notifications(request: HttpRequest) -> dict[str, Any]:
    """The latest 100, newest first, and how many are unread (counted up to 100)."""
    user = actor(request)
    items = selectors.notification_list(user=user, limit=100)
    return {"items": [notification_body(n) for n in items], "unread": selectors.unread_count(user)}


@router.post("/{notification_id}/read", response={200: NotificationOut, **problems(404)}, summary="Mark read")
def read_notification(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    user = actor(request)
    notification = selectors.notification_get(user=user, pk=notification_id)
    return notification_body(services.notification_mark_read(notification=notification, actor=user))
