"""The home dashboard: my open tasks, recent contacts and activities, contacts per stage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inyeon.customers.choices import LifecycleStage
from inyeon.customers.selectors import activities_visible, contacts_visible
from inyeon.web.views.common import current_user

STAGE_COUNT_TTL = 60


def _stage_counts(user_id: int, queryset_factory: object) -> dict[str, int]:
    key = f"inyeon:home:stages:{user_id}"
    counts = cache.get(key)
    if counts is None:
        qs = queryset_factory()  # type: ignore[operator]
        counts = dict(qs.values_list("lifecycle_stage").annotate(n=Count("id")).order_by())
        cache.set(key, counts, STAGE_COUNT_TTL)
    return counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    now = timezone.now()
    counts = _stage_counts(user.pk, lambda: contacts_visible(user))
    biggest = max(counts.values(), default=0) or 1
    stages = [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "width": int(100 * counts.get(value, 0) / biggest),
        }
        for value, label in LifecycleStage.choices
    ]
    open_tasks = (
        activities_visible(user)
        .filter(owner=user, kind="task", done_at__isnull=True)
        .select_related("contact")
        .order_by("due_at")[:10]
    )
    recent_contacts = contacts_visible(user).filter(owner=user).order_by("-created_at", "-id")[:8]
    recent_activities = activities_visible(user).select_related("contact").order_by("-occurred_at")[:8]
    return render(
        request,
        "web/home.html",
        {
            "stages": stages,
            "open_tasks": open_tasks,
            "recent_contacts": recent_contacts,
            "recent_activities": recent_activities,
            "now": now,
        },
    )
