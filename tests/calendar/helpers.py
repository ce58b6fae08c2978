"""Scheduled activities for the calendar tests, made through the service as users make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from inyeon.core.models import User
from inyeon.customers.models import Activity, Contact
from inyeon.customers.services import activity_create


def in_hours(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)


def meeting(owner: User, contact: Contact, *, hours: float = 2, **extra: Any) -> Activity:
    data: dict[str, Any] = {
        "kind": "meeting",
        "subject": "제품 시연",
        "contact_id": contact.pk,
        "starts_at": in_hours(hours).isoformat(),
        "duration_minutes": 60,
        "location": "강남 사무실",
        **extra,
    }
    return activity_create(data=data, actor=owner)


def task(owner: User, contact: Contact, *, hours: float = 24, **extra: Any) -> Activity:
    data: dict[str, Any] = {
        "kind": "task",
        "subject": "견적서 보내기",
        "contact_id": contact.pk,
        "due_at": in_hours(hours).isoformat(),
        **extra,
    }
    return activity_create(data=data, actor=owner)
