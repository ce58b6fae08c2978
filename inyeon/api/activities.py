"""/api/v1/activities: notes, calls, meetings, e-mails and tasks on contacts and accounts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.commerce import ActivityIn, ActivityOut, ActivityPage, ActivityPatch
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
    "starts_at",
    "ends_at",
    "location",
    "remind_before_minutes",
    "remind_at",
    "reminded_at",
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
def get_activity(request: HttpRequest, activity_id: int, response: HttpResponse) -> dict[str, Any]:
    activity = selectors.activity_get(user=actor(request), pk=activity_id)
    set_etag(response, activity.version)
    return activity_body(activity)


@router.patch(
    "/{activity_id}",
    response={200: ActivityOut, **problems(403, 404, 409, 412, 422)},
    summary="Reschedule or edit an activity (If-Match or version)",
)
def update_activity(
    request: HttpRequest, activity_id: int, payload: ActivityPatch, response: HttpResponse
) -> dict[str, Any]:
    """Subject, details, start/end (or duration), location, due time, reminder; only fields sent change.

    Moving the start or due time, or changing the reminder, re-arms a reminder already sent.
    """
    user = actor(request)
    activity = selectors.activity_get(user=user, pk=activity_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        activity = services.activity_reschedule(
            activity=activity,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, activity.version),
            ip=client_ip(request),
        )
    set_etag(response, activity.version)
    return activity_body(activity)


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
