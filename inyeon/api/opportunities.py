"""/api/v1/opportunities: list (filters, cursor), detail with ETag and stage history, create, PATCH
(If-Match or version), delete and stage moves. Reads through sales.selectors, writes through
sales.services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.problems import problems
from inyeon.api.schemas.sales import (
    MoveIn,
    OpportunityDetailOut,
    OpportunityIn,
    OpportunityPage,
    OpportunityPatch,
    OpportunityQuery,
)
from inyeon.core.audit import client_ip
from inyeon.sales import selectors, services
from inyeon.sales.models import Opportunity

router = Router(tags=["opportunities"])


def opportunity_item(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk,
        "version": o.version,
        "name": o.name,
        "account_id": o.account_id,
        "account_name": o.account.name if o.account else None,
        "contact_id": o.contact_id,
        "pipeline_id": o.pipeline_id,
        "stage_id": o.stage_id,
        "stage_name": services.stage_label(o.stage),
        "amount": o.amount,
        "currency": o.currency,
        "close_date": o.close_date,
        "probability": o.probability,
        "forecast_category": o.forecast_category,
        "status": o.status,
        "close_reason_id": o.close_reason_id,
        "closed_at": o.closed_at,
        "source": o.source,
        "description": o.description,
        "owner_id": o.owner_id,
        "team_id": o.team_id,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def opportunity_detail(o: Opportunity) -> dict[str, Any]:
    history = [
        {
            "from_stage_id": h.from_stage_id,
            "to_stage_id": h.to_stage_id,
            "changed_by_id": h.changed_by_id,
            "changed_at": h.changed_at,
        }
        for h in selectors.opportunity_history(o)
    ]
    return {**opportunity_item(o), "history": history}


@router.get("", response={200: OpportunityPage, **problems(422)}, summary="List opportunities")
def list_opportunities(
    request: HttpRequest,
    query: Query[OpportunityQuery],
    sort: str = Query("-created_at", description=", ".join(sorted(selectors.OPPORTUNITY_SORTS))),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    user = actor(request)
    filters = selectors.clean_filters(query.model_dump())
    page = selectors.opportunity_list(user=user, filters=filters, sort=sort, cursor=cursor, limit=limit)
    return page_body(page, opportunity_item)


@router.post("", response={201: OpportunityDetailOut, **problems(403, 422)}, summary="Create an opportunity")
def create_opportunity(request: HttpRequest, payload: OpportunityIn, response: HttpResponse) -> Status[Any]:
    user = actor(request)
    created = services.opportunity_create(
        data=payload.model_dump(exclude_unset=True, mode="json"), actor=user, ip=client_ip(request)
    )
    opp = selectors.opportunity_get(user=user, pk=created.pk)
    set_etag(response, opp.version)
    set_location(response, f"opportunities/{opp.pk}")
    return Status(201, opportunity_detail(opp))


@router.get(
    "/{opportunity_id}", response={200: OpportunityDetailOut, **problems(404)}, summary="One opportunity"
)
def get_opportunity(request: HttpRequest, opportunity_id: int, response: HttpResponse) -> dict[str, Any]:
    opp = selectors.opportunity_get(user=actor(request), pk=opportunity_id)
    set_etag(response, opp.version)
    return opportunity_detail(opp)


@router.patch(
    "/{opportunity_id}",
    response={200: OpportunityDetailOut, **problems(403, 404, 409, 412, 422)},
    summary="Change an opportunity (If-Match or version)",
)
def update_opportunity(
    request: HttpRequest, opportunity_id: int, payload: OpportunityPatch, response: HttpResponse
) -> dict[str, Any]:
    """Only the fields sent change. The stage changes through `POST .../move`."""
    user = actor(request)
    opp = selectors.opportunity_get(user=user, pk=opportunity_id)
    data = payload.model_dump(exclude_unset=True, mode="json")
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        services.opportunity_update(
            opportunity=opp,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, opp.version),
            ip=client_ip(request),
        )
    opp = selectors.opportunity_get(user=user, pk=opportunity_id)
    set_etag(response, opp.version)
    return opportunity_detail(opp)


@router.post(
    "/{opportunity_id}/move",
    response={200: OpportunityDetailOut, **problems(403, 404, 409, 412, 422)},
    summary="Move an opportunity to another stage",
)
def move_opportunity(
    request: HttpRequest, opportunity_id: int, payload: MoveIn, response: HttpResponse
) -> dict[str, Any]:
    """Refused (422) unless the pipeline declares the move; a won or lost stage needs a
    `close_reason_id` of that kind. Send If-Match or `version` to refuse a stale move (412/409)."""
    user = actor(request)
    opp = selectors.opportunity_get(user=user, pk=opportunity_id)
    with precondition(request, payload.version):
        services.opportunity_move(
            opportunity=opp,
            stage_id=payload.stage_id,
            close_reason_id=payload.close_reason_id,
            probability=payload.probability,
            actor=user,
            expected_version=expected_version(request, payload.version, opp.version),
            ip=client_ip(request),
        )
    opp = selectors.opportunity_get(user=user, pk=opportunity_id)
    set_etag(response, opp.version)
    return opportunity_detail(opp)


@router.delete(
    "/{opportunity_id}",
    response={204: None, **problems(403, 404, 409, 412)},
    summary="Delete an opportunity",
)
def delete_opportunity(request: HttpRequest, opportunity_id: int) -> Status[None]:
    user = actor(request)
    opp = selectors.opportunity_get(user=user, pk=opportunity_id)
    with precondition(request, None):
        services.opportunity_delete(
            opportunity=opp,
            actor=user,
            expected_version=expected_version(request, None, opp.version),
            ip=client_ip(request),
        )
    return Status(204, None)
