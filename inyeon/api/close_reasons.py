"""/api/v1/close-reasons: why deals are won or lost. Everybody signed in reads them; admins add,
rename and retire them (`active: false`) through the same service as the admin pages. Reasons are
never deleted: closed deals keep naming them. The list is short (an admin keeps it), so it is one
page, ordered by kind then id."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, set_location
from inyeon.api.schemas.problems import problems
from inyeon.api.schemas.sales import CloseReasonIn, CloseReasonList, CloseReasonOut, CloseReasonPatch
from inyeon.core.audit import client_ip
from inyeon.sales import selectors, services
from inyeon.sales.models import CloseReason

router = Router(tags=["close reasons"])


def close_reason_body(r: CloseReason) -> dict[str, Any]:
    return {"id": r.pk, "kind": r.kind, "label_ko": r.label_ko, "label_en": r.label_en, "active": r.active}


@router.get("", response={200: CloseReasonList, **problems(422)}, summary="Close reasons")
def list_close_reasons(
    request: HttpRequest,
    kind: str = Query("", description="Only won or lost reasons.", pattern="^(|won|lost)$"),
    active: bool | None = Query(None, description="true: only active ones; false: only retired ones."),
) -> dict[str, Any]:
    actor(request)
    reasons = selectors.close_reasons(kind=kind or None, active_only=False)
    if active is not None:
        reasons = reasons.filter(active=active)
    return {"items": [close_reason_body(r) for r in reasons]}


@router.post("", response={201: CloseReasonOut, **problems(403, 422)}, summary="Add a close reason (admins)")
def create_close_reason(request: HttpRequest, payload: CloseReasonIn, response: HttpResponse) -> Status[Any]:
    created = services.close_reason_save(
        reason=None, data=payload.model_dump(), actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"close-reasons/{created.pk}")
    return Status(201, close_reason_body(created))


@router.get("/{reason_id}", response={200: CloseReasonOut, **problems(404)}, summary="One close reason")
def get_close_reason(request: HttpRequest, reason_id: int) -> dict[str, Any]:
    actor(request)
    return close_reason_body(selectors.close_reason_get(reason_id))


@router.patch(
    "/{reason_id}",
    response={200: CloseReasonOut, **problems(403, 404, 422)},
    summary="Rename, re-kind or retire a close reason (admins)",
)
def update_close_reason(request: HttpRequest, reason_id: int, payload: CloseReasonPatch) -> dict[str, Any]:
    user = actor(request)
    reason = selectors.close_reason_get(reason_id)
    saved = services.close_reason_save(
        reason=reason,
        data=payload.model_dump(exclude_unset=True, exclude_none=True),
        actor=user,
        ip=client_ip(request),
    )
    return close_reason_body(saved)
