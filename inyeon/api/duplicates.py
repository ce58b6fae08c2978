"""/api/v1/duplicates: the review queue, dismiss, merge and undo, scans and the match rules.

Reads go through `dataio.duplicates.selectors` (a pair is listed only when both contacts are
visible), writes through `dataio.duplicates.services`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.schemas.duplicates import (
    CandidateOut,
    CandidatePage,
    MergeIn,
    MergeOut,
    RulesOut,
    RulesPatch,
    ScanOut,
)
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import can_merge, is_admin
from inyeon.customers.models import Contact
from inyeon.customers.privacy import log_pii_access
from inyeon.customers.selectors import contacts_visible
from inyeon.dataio.duplicates import selectors, services
from inyeon.dataio.models import DuplicateCandidate, DuplicateScan, MergeRecord

router = Router(tags=["duplicates"])

SCAN_FIELDS = tuple(ScanOut.model_fields)
MERGE_FIELDS = tuple(MergeOut.model_fields)


def candidate_body(pair: DuplicateCandidate, user: User) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "first": {"id": pair.first.pk, "display_name": pair.first.display_name},
        "second": {"id": pair.second.pk, "display_name": pair.second.display_name},
        "score": pair.score,
        "reasons": pair.reasons,
        "status": pair.status,
        "found_at": pair.found_at,
        "differences": [
            {"field": d.name, "label": d.label, "first": d.first, "second": d.second}
            for d in selectors.differing_fields(pair.first, pair.second, user)
        ],
    }


def _reviewer(request: HttpRequest) -> User:
    user = actor(request)
    if not can_merge(user):
        raise PermissionDenied(_("Your role may not review duplicates."))
    return user


@router.get("/candidates", response={200: CandidatePage, **problems(403, 422)}, summary="The review queue")
def list_candidates(
    request: HttpRequest, cursor: str | None = cursor_param(), limit: int = limit_param()
) -> dict[str, Any]:
    """Open pairs whose two contacts the caller may see, the highest score first (admins, managers)."""
    user = _reviewer(request)
    page = selectors.candidate_list(user=user, cursor=cursor, limit=limit)
    shown = [c for pair in page.items for c in (pair.first, pair.second)]
    log_pii_access(
        user=user, contacts=shown, action=AccessLog.Action.API, ip=client_ip(request), detail="api duplicates"
    )
    return page_body(page, lambda pair: candidate_body(pair, user))


@router.post(
    "/candidates/{candidate_id}/dismiss",
    response={200: CandidateOut, **problems(403, 404, 422)},
    summary="Not a duplicate",
)
def dismiss(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    user = _reviewer(request)
    pair = selectors.candidate_get(user=user, pk=candidate_id)
    services.candidate_dismiss(candidate=pair, actor=user, ip=client_ip(request))
    pair.refresh_from_db()
    return candidate_body(pair, user)


def _contact(user: User, pk: int, field: str) -> Contact:
    contact = contacts_visible(user, single=True).filter(pk=pk).first()
    if contact is None:
        raise ValidationError({field: _("No such record, or you may not see it.")})
    return contact


@router.post("/merges", response={201: MergeOut, **problems(403, 422)}, summary="Merge two contacts")
def merge(request: HttpRequest, payload: MergeIn, response: HttpResponse) -> Status[Any]:
    """`merged` is merged into `survivor` and deleted; every related record follows the survivor.
    The response's merge can be undone with POST /merges/{id}/undo."""
    user = _reviewer(request)
    survivor = _contact(user, payload.survivor, "survivor")
    merged = _contact(user, payload.merged, "merged")
    record = services.contacts_merge(
        survivor=survivor, merged=merged, choices=payload.choices, actor=user, ip=client_ip(request)
    )
    set_location(response, f"duplicates/merges/{record.pk}")
    return Status(201, fields(record, MERGE_FIELDS))


@router.get("/merges", response={200: list[MergeOut], **problems(403)}, summary="Recent merges")
def list_merges(request: HttpRequest) -> list[dict[str, Any]]:
    user = _reviewer(request)
    return [fields(r, MERGE_FIELDS) for r in selectors.merge_history(user=user)]


@router.post(
    "/merges/{merge_id}/undo", response={200: MergeOut, **problems(403, 404, 422)}, summary="Undo a merge"
)
def undo(request: HttpRequest, merge_id: int) -> dict[str, Any]:
    user = _reviewer(request)
    record = selectors.merge_get(user=user, pk=merge_id)
    services.merge_undo(record=record, actor=user, ip=client_ip(request))
    record = MergeRecord.objects.get(pk=record.pk)
    return fields(record, MERGE_FIELDS)


@router.post("/scans", response={202: ScanOut, **problems(403)}, summary="Scan the whole base")
def start_scan(request: HttpRequest, response: HttpResponse) -> Status[Any]:
    """Queues a scan for the task worker; poll GET /scans/{id} for its progress."""
    scan = services.duplicate_scan_request(actor=_reviewer(request), ip=client_ip(request))
    set_location(response, f"duplicates/scans/{scan.pk}")
    return Status(202, fields(scan, SCAN_FIELDS))


@router.get("/scans/{scan_id}", response={200: ScanOut, **problems(403, 404)}, summary="A scan's progress")
def get_scan(request: HttpRequest, scan_id: int) -> dict[str, Any]:
    _reviewer(request)
    scan: DuplicateScan = selectors.scan_get(scan_id)
    return fields(scan, SCAN_FIELDS)


@router.get("/rules", response={200: RulesOut, **problems(403)}, summary="The match rules")
def get_rules(request: HttpRequest) -> dict[str, Any]:
    if not is_admin(actor(request)):
        raise PermissionDenied(_("Only an administrator may see the duplicate rules."))
    return fields(services.match_rules(), tuple(RulesOut.model_fields))


@router.patch("/rules", response={200: RulesOut, **problems(403, 422)}, summary="Change the match rules")
def patch_rules(request: HttpRequest, payload: RulesPatch) -> dict[str, Any]:
    """Admins only. `fuzzy_threshold`: 50-100."""
    row = services.match_rules_update(
        actor=actor(request), data=payload.model_dump(exclude_unset=True), ip=client_ip(request)
    )
    return fields(row, tuple(RulesOut.model_fields))
