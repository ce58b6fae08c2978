"""/api/v1/contacts: list (filters, Hangul search, cursor), detail, create, update, delete, consents,
timeline. Reads through customers.selectors, writes through customers.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Router, Status

from inyeon.api.common import actor
from inyeon.api.concurrency import expected_version, set_etag
from inyeon.api.schemas import (
    ConsentIn,
    ConsentOut,
    ConsentStateOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    TimelineEntryOut,
)
from inyeon.core.audit import client_ip
from inyeon.core.models import AccessLog, User
from inyeon.customers import selectors, services
from inyeon.customers.exports import contact_csv_rows
from inyeon.customers.models import Contact
from inyeon.customers.privacy import log_pii_access, present_pii

router = Router(tags=["contacts"])


def contact_item(contact: Contact, user: User) -> dict[str, Any]:
    pii = present_pii(contact, user)
    return {
        "id": contact.pk,
        "version": contact.version,
        "display_name": contact.display_name,
        "family_name": contact.family_name,
        "given_name": contact.given_name,
        "account_id": contact.account_id,
        "email": pii.email,
        "phone": pii.phone,
        "lifecycle_stage": contact.lifecycle_stage,
        "owner_id": contact.owner_id,
        "team_id": contact.team_id,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "pii_masked": pii.masked,
    }


def contact_detail(contact: Contact, user: User) -> dict[str, Any]:
    pii = present_pii(contact, user, with_related=True)
    return {
        **contact_item(contact, user),
        "name_order": contact.name_order,
        "account_name": contact.account.name if contact.account else None,
        "job_title": contact.job_title,
        "emails": pii.emails,
        "phones": pii.phones,
        "addresses": pii.addresses,
        "birth_date": pii.birth_date,
        "preferred_channel": contact.preferred_channel,
        "language": contact.language,
        "tags": sorted(contact.tags.values_list("name", flat=True)),
        "source": contact.source,
        "external_id": contact.external_id,
        "referred_by_id": contact.referred_by_id,
        "notes": contact.notes,
    }


@router.get("", response=ContactPage, summary="List and search contacts")
def list_contacts(
    request: HttpRequest,
    q: str = "",
    lifecycle_stage: str = "",
    owner_id: int | None = None,
    team_id: int | None = None,
    account_id: int | None = None,
    tag: str = "",
    created_after: dt.date | None = None,
    created_before: dt.date | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """`q` searches names (Hangul prefix and 초성 such as ㄱㅁㅅ), e-mail and phone prefixes."""
    user = actor(request)
    filters = selectors.ContactFilters(
        q=q,
        lifecycle_stage=lifecycle_stage,
        owner_id=owner_id,
        team_id=team_id,
        account_id=account_id,
        tag=tag,
        created_after=created_after,
        created_before=created_before,
    )
    page = selectors.contact_list(user=user, filters=filters, sort=sort, cursor=cursor, limit=limit)
    log_pii_access(
        user=user,
        contacts=page.items,
        action=AccessLog.Action.SEARCH if q else AccessLog.Action.API,
        ip=client_ip(request),
        detail=f"api contact list q={q[:80]}",
    )
    return {"items": [contact_item(c, user) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/export.csv", summary="The filtered list as CSV (masked as the list is; logged)")
def export_contacts(
    request: HttpRequest,
    q: str = "",
    lifecycle_stage: str = "",
    owner_id: int | None = None,
    team_id: int | None = None,
    account_id: int | None = None,
    tag: str = "",
) -> StreamingHttpResponse:
    filters = selectors.ContactFilters(
        q=q,
        lifecycle_stage=lifecycle_stage,
        owner_id=owner_id,
        team_id=team_id,
        account_id=account_id,
        tag=tag,
    )
    rows = contact_csv_rows(user=actor(request), filters=filters, ip=client_ip(request))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
    return response


@router.post("", response={201: ContactOut}, summary="Create a contact")
def create_contact(request: HttpRequest, payload: ContactIn, response: HttpResponse) -> Status[Any]:
    user = actor(request)
    contact = services.contact_create(
        data=payload.model_dump(exclude_unset=True, mode="json"), actor=user, ip=client_ip(request)
    )
    contact = selectors.contact_get(user=user, pk=contact.pk)
    set_etag(response, contact.version)
    response["Location"] = f"/api/v1/contacts/{contact.pk}"
    log_pii_access(user=user, contacts=[contact], action=AccessLog.Action.API, ip=client_ip(request))
    return Status(201, contact_detail(contact, user))


@router.get("/{contact_id}", response=ContactOut, summary="One contact")
def get_contact(request: HttpRequest, contact_id: int, response: HttpResponse) -> dict[str, Any]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    set_etag(response, contact.version)
    log_pii_access(
        user=user,
        contacts=[contact],
        action=AccessLog.Action.API,
        ip=client_ip(request),
        detail="api contact detail",
    )
    return contact_detail(contact, user)


@router.patch("/{contact_id}", response=ContactOut, summary="Change a contact (If-Match or version)")
def update_contact(
    request: HttpRequest, contact_id: int, payload: ContactPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    data = payload.model_dump(exclude_unset=True, mode="json")
    version = expected_version(request, data.pop("version", None), contact.version)
    services.contact_update(
        contact=contact, data=data, actor=user, expected_version=version, ip=client_ip(request)
    )
    contact = selectors.contact_get(user=user, pk=contact_id)
    set_etag(response, contact.version)
    log_pii_access(user=user, contacts=[contact], action=AccessLog.Action.API, ip=client_ip(request))
    return contact_detail(contact, user)


@router.delete("/{contact_id}", response={204: None}, summary="Delete a contact without orders")
def delete_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    expected_version(request, None, contact.version)
    services.contact_delete(contact=contact, actor=user, ip=client_ip(request))
    return Status(204, None)


def consent_out(record: Any) -> dict[str, Any]:
    return {
        "id": record.pk,
        "channel": record.channel,
        "status": record.status,
        "purpose": record.purpose,
        "source": record.source,
        "recorded_at": record.recorded_at,
        "recorded_by_id": record.recorded_by_id,
    }


@router.get("/{contact_id}/consents", response=ConsentStateOut, summary="Consent state and history")
def get_consents(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    contact = selectors.contact_get(user=actor(request), pk=contact_id)
    state = selectors.consent_state(contact)
    return {
        "current": {channel: consent_out(r) if r else None for channel, r in state.items()},
        "history": [consent_out(r) for r in contact.consents.order_by("-recorded_at", "-id")[:200]],
    }


@router.post("/{contact_id}/consents", response={201: ConsentOut}, summary="Record a grant or withdrawal")
def record_consent(request: HttpRequest, contact_id: int, payload: ConsentIn) -> Status[Any]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    record = services.consent_record(
        contact=contact, actor=user, ip=client_ip(request), **payload.model_dump()
    )
    return Status(201, consent_out(record))


def timeline_out(entries: list[selectors.TimelineEntry]) -> list[dict[str, Any]]:
    return [
        {"at": e.at, "kind": e.kind, "title": str(e.title), "detail": e.detail, "record_id": e.obj.pk}
        for e in entries
    ]


@router.get("/{contact_id}/timeline", response=list[TimelineEntryOut], summary="The contact's timeline")
def get_timeline(request: HttpRequest, contact_id: int, limit: int = 100) -> list[dict[str, Any]]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    return timeline_out(selectors.contact_timeline(user=user, contact=contact, limit=max(1, min(limit, 500))))
