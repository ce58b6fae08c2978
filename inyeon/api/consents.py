"""/api/v1/contacts/{id}/consents: the current state per channel with its history, and new records.

Consent is append-only: a withdrawal is a new record, never an edit of the grant.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from inyeon.api.common import actor, set_location
from inyeon.api.schemas.contacts import ConsentIn, ConsentOut, ConsentStateOut
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.customers import selectors, services
from inyeon.customers.models import ConsentRecord

router = Router(tags=["consents"])

MAX_HISTORY = 200


def consent_body(record: ConsentRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "channel": record.channel,
        "status": record.status,
        "purpose": record.purpose,
        "source": record.source,
        "recorded_at": record.recorded_at,
        "recorded_by_id": record.recorded_by_id,
    }


@router.get(
    "/{contact_id}/consents",
    response={200: ConsentStateOut, **problems(404)},
    summary="Consent state per channel and history",
)
def get_consents(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    """`current` maps every channel to its latest record, or null: never asked, which means no."""
    contact = selectors.contact_get(user=actor(request), pk=contact_id)
    state = selectors.consent_state(contact)
    # The contact came through the visibility-checked selector, so its own records may be read.
    history = contact.consents.order_by("-recorded_at", "-id")[:MAX_HISTORY]
    return {
        "current": {channel: consent_body(r) if r else None for channel, r in state.items()},
        "history": [consent_body(r) for r in history],
    }


@router.post(
    "/{contact_id}/consents",
    response={201: ConsentOut, **problems(403, 404, 422)},
    summary="Record a grant or a withdrawal",
)
def record_consent(
    request: HttpRequest, contact_id: int, payload: ConsentIn, response: HttpResponse
) -> Status[Any]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    record = services.consent_record(
        contact=contact, actor=user, ip=client_ip(request), **payload.model_dump()
    )
    set_location(response, f"contacts/{contact.pk}/consents")
    return Status(201, consent_body(record))
