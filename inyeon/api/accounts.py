"""/api/v1/accounts: list, detail, create, update, delete and timeline."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.accounts import AccountIn, AccountOut, AccountPage, AccountPatch
from inyeon.api.schemas.common import TimelineEntryOut
from inyeon.api.schemas.problems import problems
from inyeon.api.timeline import MAX_TIMELINE, timeline_body
from inyeon.core.audit import client_ip
from inyeon.customers import selectors, services
from inyeon.customers.models import Account

router = Router(tags=["accounts"])

ACCOUNT_FIELDS = (
    "id",
    "version",
    "name",
    "business_number",
    "industry",
    "website",
    "phone",
    "email",
    "external_id",
    "source",
    "owner_id",
    "team_id",
    "created_at",
    "updated_at",
)


def account_body(account: Account) -> dict[str, Any]:
    return fields(account, ACCOUNT_FIELDS)


@router.get("", response={200: AccountPage, **problems(422)}, summary="List and search accounts")
def list_accounts(
    request: HttpRequest,
    q: str = Query("", description="Name prefix (Hangul or Latin) or 초성."),
    owner_id: int | None = None,
    sort: str = Query("-created_at", description="-created_at, created_at, search_name or -search_name."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    page = selectors.account_list(
        user=actor(request), q=q, owner_id=owner_id, sort=sort, cursor=cursor, limit=limit
    )
    return page_body(page, account_body)


@router.post("", response={201: AccountOut, **problems(403, 422)}, summary="Create an account")
def create_account(request: HttpRequest, payload: AccountIn, response: HttpResponse) -> Status[Any]:
    account = services.account_create(
        data=payload.model_dump(exclude_unset=True), actor=actor(request), ip=client_ip(request)
    )
    set_etag(response, account.version)
    set_location(response, f"accounts/{account.pk}")
    return Status(201, account_body(account))


@router.get("/{account_id}", response={200: AccountOut, **problems(404)}, summary="One account")
def get_account(request: HttpRequest, account_id: int, response: HttpResponse) -> dict[str, Any]:
    account = selectors.account_get(user=actor(request), pk=account_id)
    set_etag(response, account.version)
    return account_body(account)


@router.patch(
    "/{account_id}",
    response={200: AccountOut, **problems(403, 404, 409, 412, 422)},
    summary="Change an account (If-Match or version)",
)
def update_account(
    request: HttpRequest, account_id: int, payload: AccountPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    account = selectors.account_get(user=user, pk=account_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        account = services.account_update(
            account=account,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, account.version),
            ip=client_ip(request),
        )
    set_etag(response, account.version)
    return account_body(account)


@router.delete(
    "/{account_id}",
    response={204: None, **problems(403, 404, 412, 422)},
    summary="Delete an account without orders",
)
def delete_account(request: HttpRequest, account_id: int) -> Status[None]:
    user = actor(request)
    account = selectors.account_get(user=user, pk=account_id)
    expected_version(request, None, account.version)
    services.account_delete(account=account, actor=user, ip=client_ip(request))
    return Status(204, None)


@router.get(
    "/{account_id}/timeline",
    response={200: list[TimelineEntryOut], **problems(404)},
    summary="The account's timeline, newest first",
)
def get_timeline(
    request: HttpRequest, account_id: int, limit: int = Query(100, ge=1, le=MAX_TIMELINE)
) -> list[dict[str, Any]]:
    """The account's own activities and orders and those of its contacts the user may see."""
    user = actor(request)
    account = selectors.account_get(user=user, pk=account_id)
    return timeline_body(selectors.account_timeline(user=user, account=account, limit=limit))
