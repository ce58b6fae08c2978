"""/api/v1/contacts: list (filters, Hangul search, cursor), detail, create, update, delete, timeline
and CSV export. Reads through customers.selectors, writes through customers.services; personal data
is presented through customers.privacy and every unmasked view of it is logged."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, limit_param, prebuilt, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.exports import stream_export
from inyeon.api.schemas.analytics import ScoresOut
from inyeon.api.schemas.common import TimelineEntryOut
from inyeon.api.schemas.contacts import ContactIn, ContactOut, ContactPage, ContactPatch, ContactQuery
from inyeon.api.schemas.duplicates import ContactCreatedOut
from inyeon.api.schemas.problems import problems
from inyeon.api.timeline import MAX_TIMELINE, timeline_body
from inyeon.core.audit import client_ip
from inyeon.core.models import AccessLog, User
from inyeon.customers import selectors, services
from inyeon.customers.channels import split
from inyeon.customers.choices import LifecycleStage
from inyeon.customers.models import Contact
from inyeon.customers.privacy import log_pii_access, pii_access, present_pii, row_pii
from inyeon.dataio.duplicates import selectors as duplicate_selectors
from inyeon.dataio.duplicates import services as duplicate_services

router = Router(tags=["contacts"])

SCORE_FIELDS = tuple(ScoresOut.model_fields)


# What a list item (with the masking and the access log) reads of a contact: the list fetches only
# these, as rows (`selectors.contact_rows`), and builds no model instances.
ROW_FIELDS = (
    "version",
    "display_name",
    "family_name",
    "given_name",
    "account_id",
    "primary_email",
    "primary_phone",
    "birth_date",
    "lifecycle_stage",
    "owner_id",
    "team_id",
    "created_at",
    "updated_at",
    *(f"score__{name}" for name in SCORE_FIELDS),
)


def contact_row_items(rows: list[dict[str, Any]], user: User) -> list[dict[str, Any]]:
    """The list items of rows of `ROW_FIELDS`: the same shape as `contact_item`."""
    pii = row_pii(user)
    items = []
    for row in rows:
        email, phone, masked = pii(row)
        scores = None
        if row["score__computed_at"] is not None:  # never null in a score row
            scores = {name: row[key] for name, key in _SCORE_KEYS}
        items.append(
            {
                "id": row["id"],
                "version": row["version"],
                "display_name": row["display_name"],
                "family_name": row["family_name"],
                "given_name": row["given_name"],
                "account_id": row["account_id"],
                "email": email,
                "phone": phone,
                "lifecycle_stage": row["lifecycle_stage"],
                "owner_id": row["owner_id"],
                "team_id": row["team_id"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "pii_masked": masked,
                "scores": scores,
            }
        )
    return items


_SCORE_KEYS = [(name, f"score__{name}") for name in SCORE_FIELDS]


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
        "scores": scores_body(contact),
    }


def scores_body(contact: Contact) -> dict[str, Any] | None:
    try:
        score = contact.score
    except ObjectDoesNotExist:
        return None
    return {name: getattr(score, name) for name in SCORE_FIELDS}


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
        "tags": split(contact.tags_text),
        "source": contact.source,
        "external_id": contact.external_id,
        "referred_by_id": contact.referred_by_id,
        "notes": contact.notes,
    }


def _filters(query: ContactQuery) -> selectors.ContactFilters:
    if query.lifecycle_stage and query.lifecycle_stage not in LifecycleStage.values:
        choices = ", ".join(LifecycleStage.values)
        raise ValidationError({"lifecycle_stage": _("Choose one of: %(choices)s.") % {"choices": choices}})
    if query.value_tier and query.value_tier not in {"A", "B", "C"}:
        raise ValidationError({"value_tier": _("Choose one of: %(choices)s.") % {"choices": "A, B, C"}})
    return selectors.ContactFilters(**query.model_dump())


def _data(payload: ContactIn) -> dict[str, Any]:
    """The fields the client sent. Addresses keep their defaults: the service must see an empty
    `line1` to refuse it (it skips keys that are absent)."""
    data = payload.model_dump(exclude_unset=True, mode="json")
    if payload.addresses is not None:
        data["addresses"] = [a.model_dump(mode="json") for a in payload.addresses]
    return data


def _shown(
    request: HttpRequest, user: User, contacts: list[Contact] | list[dict[str, Any]], detail: str
) -> None:
    """Log that `user` was shown these contacts' personal data (a no-op when it was masked)."""
    log_pii_access(
        user=user, contacts=contacts, action=AccessLog.Action.API, ip=client_ip(request), detail=detail
    )


@router.get("", response={200: ContactPage, **problems(422)}, summary="List and search contacts")
def list_contacts(
    request: HttpRequest,
    query: Query[ContactQuery],
    sort: str = Query(
        "-created_at",
        description=(
            "-created_at, created_at, -updated_at, updated_at, search_name or -search_name; or a score "
            "(only scored contacts are listed): score.clv_12m, score.customer_equity, score.p_alive, "
            "score.expected_purchases_90d, score.monetary, score.frequency, score.recency_days, "
            "score.r_score, score.f_score, score.m_score, each with '-' for descending."
        ),
    ),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> HttpResponse:
    """`q` searches names (Hangul prefix and 초성 such as ㄱㅁㅅ), e-mail and phone prefixes."""
    user = actor(request)
    detail = f"api contact search q={query.q[:80]}" if query.q else "api contact list"
    access = pii_access(user=user, action=AccessLog.Action.API, ip=client_ip(request), detail=detail)
    filters = _filters(query)
    page = selectors.contact_rows(
        user=user, filters=filters, fields=ROW_FIELDS, sort=sort, cursor=cursor, limit=limit, access=access
    )
    return prebuilt(request, {"items": contact_row_items(page.items, user), "next_cursor": page.next_cursor})


@router.get("/export.csv", response={200: None, **problems(422)}, summary="The filtered list as CSV")
def export_contacts(request: HttpRequest, query: Query[ContactQuery]) -> HttpResponseBase:
    """Masked as the list is, and logged as an export (the same as `/exports/contacts?format=csv`)."""
    filters = dataclasses.asdict(_filters(query))
    return stream_export(request, kind="contacts", file_format="csv", filters=filters)


@router.post("", response={201: ContactCreatedOut, **problems(403, 422)}, summary="Create a contact")
def create_contact(request: HttpRequest, payload: ContactIn, response: HttpResponse) -> Status[Any]:
    """`possible_duplicates` lists the contacts you may see that the duplicate rules match."""
    user = actor(request)
    created = services.contact_create(data=_data(payload), actor=user, ip=client_ip(request))
    contact = selectors.contact_get(user=user, pk=created.pk)
    set_etag(response, contact.version)
    set_location(response, f"contacts/{contact.pk}")
    _shown(request, user, [contact], "api contact create")
    duplicate_services.flag_safely([contact.pk])
    possible = [
        {"id": other.pk, "display_name": other.display_name, "score": pair.score, "reasons": pair.reasons}
        for other, pair in duplicate_selectors.possible_duplicates(user=user, contact=contact)
    ]
    return Status(201, {**contact_detail(contact, user), "possible_duplicates": possible})


@router.get("/{contact_id}", response={200: ContactOut, **problems(404)}, summary="One contact")
def get_contact(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = actor(request)
    ip = client_ip(request)
    access = pii_access(user=user, action=AccessLog.Action.API, ip=ip, detail="api contact detail")
    contact = selectors.contact_get(user=user, pk=contact_id, access=access)
    response = prebuilt(request, contact_detail(contact, user))
    set_etag(response, contact.version)
    return response


@router.patch(
    "/{contact_id}",
    response={200: ContactOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a contact (If-Match or version)",
)
def update_contact(
    request: HttpRequest, contact_id: int, payload: ContactPatch, response: HttpResponse
) -> dict[str, Any]:
    """Only the fields sent change; `emails`, `phones`, `addresses` and `tags` replace the lists."""
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    data = _data(payload)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        services.contact_update(
            contact=contact,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, contact.version),
            ip=client_ip(request),
        )
    contact = selectors.contact_get(user=user, pk=contact_id)
    set_etag(response, contact.version)
    _shown(request, user, [contact], "api contact update")
    return contact_detail(contact, user)


@router.delete(
    "/{contact_id}",
    response={204: None, **problems(403, 404, 412, 422)},
    summary="Delete a contact without orders",
)
def delete_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    expected_version(request, None, contact.version)
    services.contact_delete(contact=contact, actor=user, ip=client_ip(request))
    return Status(204, None)


@router.get(
    "/{contact_id}/timeline",
    response={200: list[TimelineEntryOut], **problems(404)},
    summary="The contact's timeline, newest first",
)
def get_timeline(
    request: HttpRequest, contact_id: int, limit: int = Query(100, ge=1, le=MAX_TIMELINE)
) -> list[dict[str, Any]]:
    """Activities, orders, consent and lifecycle-stage changes."""
    user = actor(request)
    contact = selectors.contact_get(user=user, pk=contact_id)
    return timeline_body(selectors.contact_timeline(user=user, contact=contact, limit=limit))
