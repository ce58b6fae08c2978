"""/api/v1/contracts: contracts with renewal terms; renew and terminate."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.problems import problems
from inyeon.api.schemas.quotes import ContractIn, ContractOut, ContractPage, ContractPatch
from inyeon.core.audit import client_ip
from inyeon.quotes import selectors, services
from inyeon.quotes.models import Contract, ContractStatus

router = Router(tags=["contracts"])

CONTRACT_FIELDS = tuple(f for f in ContractOut.model_fields if f not in ("notice_deadline", "next_id"))


def contract_body(contract: Contract) -> dict[str, Any]:
    following = selectors.contract_next(contract)
    return {
        **fields(contract, CONTRACT_FIELDS),
        "notice_deadline": services.notice_deadline(contract),
        "next_id": following.pk if following else None,
    }


@router.get("", response={200: ContractPage, **problems(422)}, summary="Contracts, newest first")
def list_contracts(
    request: HttpRequest,
    status: str = "",
    account_id: int | None = None,
    contact_id: int | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    if status and status not in ContractStatus.values:
        choices = ", ".join(ContractStatus.values)
        raise ValidationError({"status": _("Choose one of: %(choices)s.") % {"choices": choices}})
    page = selectors.contract_list(
        user=actor(request),
        status=status,
        account_id=account_id,
        contact_id=contact_id,
        cursor=cursor,
        limit=limit,
    )
    return page_body(page, contract_body)


@router.post("", response={201: ContractOut, **problems(403, 422)}, summary="Create a contract")
def create_contract(request: HttpRequest, payload: ContractIn, response: HttpResponse) -> Status[Any]:
    user = actor(request)
    contract = services.contract_create(data=payload.model_dump(), actor=user, ip=client_ip(request))
    set_location(response, f"contracts/{contract.pk}")
    set_etag(response, contract.version)
    return Status(201, contract_body(selectors.contract_get(user=user, pk=contract.pk)))


@router.get("/{contract_id}", response={200: ContractOut, **problems(404)}, summary="One contract")
def get_contract(request: HttpRequest, contract_id: int, response: HttpResponse) -> dict[str, Any]:
    contract = selectors.contract_get(user=actor(request), pk=contract_id)
    set_etag(response, contract.version)
    return contract_body(contract)


@router.patch(
    "/{contract_id}",
    response={200: ContractOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a contract (If-Match or version)",
)
def update_contract(
    request: HttpRequest, contract_id: int, payload: ContractPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    contract = selectors.contract_get(user=user, pk=contract_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        contract = services.contract_update(
            contract=contract,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, contract.version),
            ip=client_ip(request),
        )
    set_etag(response, contract.version)
    return contract_body(selectors.contract_get(user=user, pk=contract.pk))


@router.delete(
    "/{contract_id}", response={204: None, **problems(403, 404, 412, 422)}, summary="Delete a draft"
)
def delete_contract(request: HttpRequest, contract_id: int) -> Status[None]:
    user = actor(request)
    contract = selectors.contract_get(user=user, pk=contract_id)
    expected_version(request, None, contract.version)
    services.contract_delete(contract=contract, actor=user, ip=client_ip(request))
    return Status(204, None)


@router.post(
    "/{contract_id}/renew",
    response={201: ContractOut, **problems(403, 404, 412, 422)},
    summary="Renew: the next term as a new contract linked to this one",
)
def renew_contract(request: HttpRequest, contract_id: int, response: HttpResponse) -> Status[Any]:
    user = actor(request)
    contract = selectors.contract_get(user=user, pk=contract_id)
    expected_version(request, None, contract.version)
    renewal = services.contract_renew(contract=contract, actor=user, ip=client_ip(request))
    set_location(response, f"contracts/{renewal.pk}")
    return Status(201, contract_body(selectors.contract_get(user=user, pk=renewal.pk)))


@router.post(
    "/{contract_id}/terminate",
    response={200: ContractOut, **problems(403, 404, 412, 422)},
    summary="Terminate the contract",
)
def terminate_contract(request: HttpRequest, contract_id: int, response: HttpResponse) -> dict[str, Any]:
    user = actor(request)
    contract = selectors.contract_get(user=user, pk=contract_id)
    expected_version(request, None, contract.version)
    contract = services.contract_terminate(contract=contract, actor=user, ip=client_ip(request))
    set_etag(response, contract.version)
    return contract_body(selectors.contract_get(user=user, pk=contract.pk))
