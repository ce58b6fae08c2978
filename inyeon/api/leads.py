"""/api/v1/leads: list (filters, search, cursor), capture, detail, change, history, activities,
assignment, conversion; and the lead settings admins keep (forms, scoring and assignment rules,
working hours, the learned model). Reads through leads.selectors, writes through leads.services;
personal data is masked as for contacts and every unmasked view is logged."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.leads import (
    AssignIn,
    AssignmentRuleIn,
    AssignmentRuleOut,
    ConvertIn,
    LeadActivityIn,
    LeadCreateIn,
    LeadEventOut,
    LeadFormIn,
    LeadFormOut,
    LeadOut,
    LeadPage,
    LeadPatch,
    LeadQuery,
    ScoreModelOut,
    ScoringRuleIn,
    ScoringRuleOut,
    WorkingHoursIn,
    WorkingHoursOut,
)
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import is_admin
from inyeon.leads import selectors, services
from inyeon.leads.models import (
    AssignmentRule,
    Lead,
    LeadForm,
    LeadSource,
    LeadStatus,
    ScoringRule,
    WorkingHours,
)
from inyeon.leads.privacy import log_lead_access, present_lead_pii
from inyeon.leads.scoring import reason_text

router = Router(tags=["leads"])

DETAIL_FIELDS = (
    "family_name",
    "given_name",
    "name_order",
    "job_title",
    "industry",
    "company_size",
    "region",
    "country",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "consent_email",
    "consent_sms",
    "consent_purpose",
    "consent_source",
    "consent_at",
    "notes",
    "win_probability",
    "updated_at",
    "assigned_at",
    "converted_account_id",
    "converted_contact_id",
    "converted_opportunity_id",
    "converted_at",
)


def lead_item(lead: Lead, user: User) -> dict[str, Any]:
    pii = present_lead_pii(lead, user)
    return {
        "id": lead.pk,
        "version": lead.version,
        "display_name": lead.display_name,
        "company": lead.company,
        "email": pii.email,
        "phone": lead.phone if not pii.masked else pii.phone,
        "source": lead.source,
        "status": lead.status,
        "score": lead.score,
        "owner_id": lead.owner_id,
        "team_id": lead.team_id,
        "created_at": lead.created_at,
        "pii_masked": pii.masked,
    }


def lead_detail(lead: Lead, user: User) -> dict[str, Any]:
    return {
        **lead_item(lead, user),
        **{name: getattr(lead, name) for name in DETAIL_FIELDS},
        "score_reasons": [
            {"points": r.get("points", 0), "reason": reason_text(r)} for r in lead.score_reasons
        ],
        "duplicates": [d.__dict__ for d in selectors.lead_duplicates(user=user, lead=lead)],
    }


def _shown(request: HttpRequest, user: User, leads: list[Lead], detail: str) -> None:
    log_lead_access(user=user, leads=leads, action=AccessLog.Action.API, ip=client_ip(request), detail=detail)


def _filters(query: LeadQuery) -> selectors.LeadFilters:
    errors: dict[str, list[str]] = {}
    if query.status and query.status not in LeadStatus.values:
        errors["status"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LeadStatus.values)}]
    if query.source and query.source not in LeadSource.values:
        errors["source"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LeadSource.values)}]
    if errors:
        raise ValidationError(errors)
    return selectors.LeadFilters(**query.model_dump())


def _admin(request: HttpRequest) -> User:
    user = actor(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators may change lead settings."))
    return user


# --- settings (before /{lead_id} so that the names are not read as ids) ---------------------------


def form_body(form: LeadForm) -> dict[str, Any]:
    return {
        **{f: getattr(form, f) for f in ("id", "key", "name", "owner_id", "team_id", "source", "campaign")},
        **{f: getattr(form, f) for f in ("consent_purpose", "thanks_message", "min_fill_seconds", "active")},
        "url": f"/forms/lead/{form.key}",
    }


@router.get(
    "/forms", response={200: list[LeadFormOut], **problems(403)}, summary="Lead capture forms (admins)"
)
def list_forms(request: HttpRequest) -> list[dict[str, Any]]:
    _admin(request)
    return [form_body(f) for f in selectors.lead_forms()]


@router.post(
    "/forms", response={201: LeadFormOut, **problems(403, 422)}, summary="Create a capture form (admins)"
)
def create_form(request: HttpRequest, payload: LeadFormIn) -> Status[Any]:
    form = services.lead_form_create(data=payload.model_dump(), actor=actor(request))
    return Status(201, form_body(form))


@router.get(
    "/scoring-rules", response={200: list[ScoringRuleOut], **problems(403)}, summary="Scoring rules (admins)"
)
def list_scoring_rules(request: HttpRequest) -> list[ScoringRule]:
    _admin(request)
    return list(selectors.scoring_rules())


@router.post(
    "/scoring-rules", response={201: ScoringRuleOut, **problems(403, 422)}, summary="Add a scoring rule"
)
def create_scoring_rule(request: HttpRequest, payload: ScoringRuleIn) -> Status[Any]:
    return Status(201, services.scoring_rule_create(data=payload.model_dump(), actor=actor(request)))


@router.delete(
    "/scoring-rules/{rule_id}", response={204: None, **problems(403, 404)}, summary="Remove a scoring rule"
)
def delete_scoring_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    user = _admin(request)
    services.scoring_rule_delete(rule=get_object_or_404(ScoringRule, pk=rule_id), actor=user)
    return Status(204, None)


@router.post("/rescore", response={200: dict[str, int], **problems(403)}, summary="Score open leads again")
def rescore(request: HttpRequest) -> dict[str, int]:
    return {"rescored": services.leads_rescore(actor=actor(request))}


def model_body() -> dict[str, Any]:
    status = selectors.score_model_status()
    latest = status["latest"]
    return {
        "trained": latest is not None,
        "outcomes": latest.outcomes if latest else 0,
        "won": latest.won if latest else 0,
        "in_use": status["in_use"],
        "min_outcomes": status["min_outcomes"],
    }


@router.get(
    "/score-model", response={200: ScoreModelOut, **problems(403)}, summary="The learned score's state"
)
def get_score_model(request: HttpRequest) -> dict[str, Any]:
    _admin(request)
    return model_body()


@router.post(
    "/score-model", response={200: ScoreModelOut, **problems(403)}, summary="Learn from won/lost history"
)
def train_score_model(request: HttpRequest) -> dict[str, Any]:
    """Nothing is learned (and `in_use` stays false) until there are enough won and lost outcomes."""
    services.lead_score_model_train(actor=actor(request))
    return model_body()


@router.get(
    "/assignment-rules",
    response={200: list[AssignmentRuleOut], **problems(403)},
    summary="Assignment rules (admins)",
)
def list_assignment_rules(request: HttpRequest) -> list[AssignmentRule]:
    _admin(request)
    return list(selectors.assignment_rules())


@router.post(
    "/assignment-rules",
    response={201: AssignmentRuleOut, **problems(403, 422)},
    summary="Add an assignment rule",
)
def create_assignment_rule(request: HttpRequest, payload: AssignmentRuleIn) -> Status[Any]:
    return Status(201, services.assignment_rule_create(data=payload.model_dump(), actor=actor(request)))


@router.delete(
    "/assignment-rules/{rule_id}",
    response={204: None, **problems(403, 404)},
    summary="Remove an assignment rule",
)
def delete_assignment_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    user = _admin(request)
    services.assignment_rule_delete(rule=get_object_or_404(AssignmentRule, pk=rule_id), actor=user)
    return Status(204, None)


def hours_body(hours: WorkingHours) -> dict[str, Any]:
    return {
        "user_id": hours.user_id,
        "weekdays": hours.weekdays,
        "start": hours.start.strftime("%H:%M"),
        "end": hours.end.strftime("%H:%M"),
    }


@router.put(
    "/working-hours/{user_id}",
    response={200: WorkingHoursOut, **problems(403, 404, 422)},
    summary="A user's working hours",
)
def set_working_hours(request: HttpRequest, user_id: int, payload: WorkingHoursIn) -> dict[str, Any]:
    admin = _admin(request)
    user = get_object_or_404(User, pk=user_id)
    return hours_body(services.working_hours_set(user=user, data=payload.model_dump(), actor=admin))


# --- leads -------------------------------------------------------------------------------------


@router.get("", response={200: LeadPage, **problems(422)}, summary="List and search leads")
def list_leads(
    request: HttpRequest,
    query: Query[LeadQuery],
    sort: str = Query("-created_at", description="-created_at, created_at, -score or score."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    user = actor(request)
    page = selectors.lead_list(user=user, filters=_filters(query), sort=sort, cursor=cursor, limit=limit)
    _shown(request, user, page.items, f"api lead list q={query.q[:80]}" if query.q else "api lead list")
    return page_body(page, lambda lead: lead_item(lead, user))


@router.post("", response={201: LeadOut, **problems(403, 422)}, summary="Capture a lead")
def create_lead(request: HttpRequest, payload: LeadCreateIn, response: HttpResponse) -> Status[Any]:
    """The source defaults to `api`. `duplicates` lists the leads and contacts you may see that the
    duplicate check matched (same e-mail or phone, or a similar name at the same company)."""
    user = actor(request)
    data = payload.model_dump(exclude_unset=True)
    auto_assign = bool(data.pop("auto_assign", False))
    created = services.lead_create(
        data=data, actor=user, source=LeadSource.API, auto_assign=auto_assign, ip=client_ip(request)
    )
    # The assignment rules may give the lead to someone the creator cannot see; they entered it.
    lead = selectors.leads_visible(user, single=True).filter(pk=created.pk).first() or created
    set_etag(response, lead.version)
    set_location(response, f"leads/{lead.pk}")
    _shown(request, user, [lead], "api lead create")
    return Status(201, lead_detail(lead, user))


@router.get("/{lead_id}", response={200: LeadOut, **problems(404)}, summary="One lead")
def get_lead(request: HttpRequest, lead_id: int, response: HttpResponse) -> dict[str, Any]:
    user = actor(request)
    lead = selectors.lead_get(user=user, pk=lead_id)
    set_etag(response, lead.version)
    _shown(request, user, [lead], "api lead detail")
    return lead_detail(lead, user)


@router.patch(
    "/{lead_id}",
    response={200: LeadOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a lead (If-Match or version)",
)
def update_lead(
    request: HttpRequest, lead_id: int, payload: LeadPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    lead = selectors.lead_get(user=user, pk=lead_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        services.lead_update(
            lead=lead,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, lead.version),
            ip=client_ip(request),
        )
    lead = selectors.lead_get(user=user, pk=lead_id)
    set_etag(response, lead.version)
    _shown(request, user, [lead], "api lead update")
    return lead_detail(lead, user)


@router.get(
    "/{lead_id}/history", response={200: list[LeadEventOut], **problems(404)}, summary="The lead's history"
)
def get_history(request: HttpRequest, lead_id: int) -> list[Any]:
    lead = selectors.lead_get(user=actor(request), pk=lead_id)
    return selectors.lead_history(lead)


@router.post(
    "/{lead_id}/activities",
    response={201: LeadEventOut, **problems(403, 404, 422)},
    summary="Log an activity",
)
def add_activity(request: HttpRequest, lead_id: int, payload: LeadActivityIn) -> Status[Any]:
    user = actor(request)
    lead = selectors.lead_get(user=user, pk=lead_id)
    event = services.lead_activity_add(
        lead=lead, data=payload.model_dump(), actor=user, ip=client_ip(request)
    )
    return Status(201, event)


@router.post(
    "/{lead_id}/assign", response={200: LeadOut, **problems(403, 404, 422)}, summary="Reassign a lead"
)
def assign_lead(request: HttpRequest, lead_id: int, payload: AssignIn) -> dict[str, Any]:
    """Managers and admins: to `owner_id`, or by the assignment rules when it is left out."""
    user = actor(request)
    lead = selectors.lead_get(user=user, pk=lead_id)
    if payload.owner_id is None:
        if not services.lead_reassign_by_rules(lead=lead, actor=user, ip=client_ip(request)):
            raise ValidationError(
                {"owner_id": [_("No assignment rule applies to this lead; name the owner.")]}
            )
    else:
        services.lead_assign(lead=lead, owner_id=payload.owner_id, actor=user, ip=client_ip(request))
    lead = Lead.objects.select_related("owner").get(pk=lead_id)
    return lead_detail(lead, user)


@router.post(
    "/{lead_id}/convert",
    response={200: LeadOut, **problems(403, 404, 409, 412, 422)},
    summary="Convert to account, contact and (optionally) opportunity",
)
def convert_lead(
    request: HttpRequest, lead_id: int, payload: ConvertIn, response: HttpResponse
) -> dict[str, Any]:
    """One transaction: links `account_id`/`contact_id` or creates them from the lead; carries the
    consents, notes and activities over; a lead already converted is refused (422)."""
    user = actor(request)
    lead = selectors.lead_get(user=user, pk=lead_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        services.lead_convert(
            lead=lead,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, lead.version),
            ip=client_ip(request),
        )
    lead = selectors.lead_get(user=user, pk=lead_id)
    set_etag(response, lead.version)
    return lead_detail(lead, user)
