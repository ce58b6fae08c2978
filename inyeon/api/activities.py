"""/api/v1/activities: notes, calls, meetings, e-mails and tasks on contacts and accounts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.schemas.commerce import ActivityIn, ActivityOut, ActivityPage
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.customers import selectors, services
from inyeon.customers.models import Activity

router = Router(tags=["activities"])

ACTIVITY_FIELDS = (
    "id",
    "version",
    "kind",
    "subject",
    "body",
    "contact_id",
    "account_id",
    "occurred_at",
    "due_at",
    "done_at",
    "owner_id",
)


def activity_body(activity: Activity) -> dict[str, Any]:
    return fields(activity, ACTIVITY_FIELDS)


@router.get("", response={200: ActivityPage, **problems(422)}, summary="Activities, newest first")
def list_activities(
    request: HttpRequest,
    contact_id: int | None = None,
    account_id: int | None = None,
    open_tasks: bool = Query(False, description="Only tasks not done yet."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    page = selectors.activity_list(
        user=actor(request),
        contact_id=contact_id,
        account_id=account_id,
        open_tasks=open_tasks,
        cursor=cursor,
        limit=limit,
    )
    return page_body(page, activity_body)


@router.post("", response={201: ActivityOut, **problems(403, 422)}, summary="Log an activity")
def create_activity(request: HttpRequest, payload: ActivityIn, response: HttpResponse) -> Status[Any]:
    """`kind` is note, call, meeting, email or task; it belongs to a contact or an account."""
    activity = services.activity_create(
        data=payload.model_dump(exclude_unset=True), actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"activities/{activity.pk}")
    return Status(201, activity_body(activity))


@router.get("/{activity_id}", response={200: ActivityOut, **problems(404)}, summary="One activity")
def get_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return activity_body(selectors.activity_get(user=actor(request), pk=activity_id))


@router.post(
    "/{activity_id}/complete",
    response={200: ActivityOut, **problems(403, 404)},
    summary="Mark a task done",
)
def complete_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """Idempotent: completing a done task changes nothing."""
    user = actor(request)
    activity = selectors.activity_get(user=user, pk=activity_id)
    return activity_body(services.activity_complete(activity=activity, actor=user, ip=client_ip(request)))
