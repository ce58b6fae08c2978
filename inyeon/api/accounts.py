"""/api/v1/accounts: list, detail, create, update, delete, timeline."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from inyeon.api.common import actor
from inyeon.api.concurrency import expected_version, set_etag
from inyeon.api.contacts import timeline_out
from inyeon.api.schemas import AccountIn, AccountOut, AccountPage, AccountPatch, TimelineEntryOut
from inyeon.core.audit import client_ip
from inyeon.customers import selectors, services
from inyeon.customers.models import Account

router = Router(tags=["accounts"])


def account_out(a: Account) -> dict[str, Any]:
    return {
        f: getattr(a, f)
        for f in (
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
    }


@router.get("", response=AccountPage, summary="List and search accounts")
def list_accounts(
    request: HttpRequest,
    q: str = "",
    owner_id: int | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    page = selectors.account_list(
        user=actor(request), q=q, owner_id=owner_id, sort=sort, cursor=cursor, limit=limit
    )
    return {"items": [account_out(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post("", response={201: AccountOut}, summary="Create an account")
def create_account(request: HttpRequest, payload: AccountIn, response: HttpResponse) -> Status[Any]:
    account = services.account_create(
        data=payload.model_dump(exclude_unset=True), actor=actor(request), ip=client_ip(request)
    )
    set_etag(response, account.version)
    response["Location"] = f"/api/v1/accounts/{account.pk}"
    return Status(201, account_out(account))


@router.get("/{account_id}", response=AccountOut, summary="One account")
def get_account(request: HttpRequest, account_id: int, response: HttpResponse) -> dict[str, Any]:
    account = selectors.account_get(user=actor(request), pk=account_id)
    set_etag(response, account.version)
    return account_out(account)


@router.patch("/{account_id}", response=AccountOut, summary="Change an account (If-Match or version)")
def update_account(
    request: HttpRequest, account_id: int, payload: AccountPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    account = selectors.account_get(user=user, pk=account_id)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None), account.version)
    account = services.account_update(
        account=account, data=data, actor=user, expected_version=version, ip=client_ip(request)
    )
    set_etag(response, account.version)
    return account_out(account)


@router.delete("/{account_id}", response={204: None}, summary="Delete an account without orders")
def delete_account(request: HttpRequest, account_id: int) -> Status[None]:
    user = actor(request)
    account = selectors.account_get(user=user, pk=account_id)
    expected_version(request, None, account.version)
    services.account_delete(account=account, actor=user, ip=client_ip(request))
    return Status(204, None)


@router.get("/{account_id}/timeline", response=list[TimelineEntryOut], summary="The account's timeline")
def get_timeline(request: HttpRequest, account_id: int, limit: int = 100) -> list[dict[str, Any]]:
    user = actor(request)
    account = selectors.account_get(user=user, pk=account_id)
    return timeline_out(selectors.account_timeline(user=user, account=account, limit=max(1, min(limit, 500))))
