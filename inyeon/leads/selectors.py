"""Every read of leads a user can reach goes through `visible()`; admin settings are read here too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from inyeon.core.hangul import is_chosung_query, prefix_upper_bound, search_key
from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_page
from inyeon.core.phones import phone_search_digits
from inyeon.core.visibility import can_see_pii, visible
from inyeon.customers.models import Contact
from inyeon.customers.selectors import contacts_visible
from inyeon.leads.models import (
    AssignmentRule,
    Lead,
    LeadDuplicate,
    LeadEvent,
    LeadForm,
    LeadScoreModel,
    ScoringRule,
    WorkingHours,
)
from inyeon.leads.scoring import current_model, min_outcomes

LEAD_SORTS = {"-created_at", "created_at", "-score", "score"}


def leads_visible(user: User, *, single: bool = False) -> QuerySet[Lead]:
    return visible(user, Lead.objects.all(), record_type="lead", single=single)


def _prefix(field: str, key: str) -> Q:
    return Q(**{f"{field}__gte": key, f"{field}__lt": prefix_upper_bound(key)})


def lead_search_q(text: str, *, personal_data: bool) -> Q:
    """Name (Hangul-aware, 초성) or company prefix; e-mail and phone only for roles that see them."""
    query = text.strip()
    if not query:
        return Q()
    if is_chosung_query(query):
        return _prefix("name_initials", query.replace(" ", ""))
    if personal_data and "@" in query:
        return _prefix("email", query.lower())
    digits = phone_search_digits(query)
    if personal_data and len(digits) >= 4 and not any(ch.isalpha() for ch in query):
        return _prefix("phone", "+" + digits)
    return _prefix("search_name", search_key(query)) | Q(company__istartswith=query)


@dataclass(frozen=True)
class LeadFilters:
    q: str = ""
    status: str = ""
    source: str = ""
    owner_id: int | None = None
    score_min: int | None = None


def lead_list(
    *, user: User, filters: LeadFilters, sort: str = "-created_at", cursor: str | None = None, limit: int = 50
) -> Page[Lead]:
    if sort not in LEAD_SORTS:
        raise ValidationError({"sort": _("Sort by one of: %(s)s.") % {"s": ", ".join(sorted(LEAD_SORTS))}})
    qs = leads_visible(user)
    if filters.q:
        qs = qs.filter(lead_search_q(filters.q, personal_data=can_see_pii(user)))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.score_min is not None:
        qs = qs.filter(score__gte=filters.score_min)
    return keyset_page(qs.select_related("owner"), sort=sort, cursor=cursor, limit=max(1, min(limit, 200)))


def lead_get(*, user: User, pk: int) -> Lead:
    """The lead if `user` may see it; `Lead.DoesNotExist` otherwise (a 404, never a 403)."""
    return (
        leads_visible(user, single=True)
        .select_related(
            "owner",
            "team",
            "form",
            "converted_account",
            "converted_contact",
            "converted_opportunity",
            "converted_by",
        )
        .get(pk=pk)
    )


def lead_history(lead: Lead, limit: int = 200) -> list[LeadEvent]:
    return list(lead.events.select_related("actor").order_by("-at", "-id")[:limit])


@dataclass(frozen=True)
class DuplicateView:
    kind: str  # "lead" | "contact"
    id: int
    name: str
    company: str
    score: int
    reasons: list[str]


def lead_duplicates(*, user: User, lead: Lead) -> list[DuplicateView]:
    """The likely duplicates found at capture that `user` may see."""
    rows = list(LeadDuplicate.objects.filter(lead=lead).order_by("-score", "id")[:20])
    lead_ids = set(
        leads_visible(user)
        .filter(pk__in=[d.other_lead_id for d in rows if d.other_lead_id])
        .values_list("pk", flat=True)
    )
    contacts = {
        c.pk: c
        for c in contacts_visible(user)
        .filter(pk__in=[d.contact_id for d in rows if d.contact_id])
        .select_related("account")
    }
    others = {o.pk: o for o in Lead.objects.filter(pk__in=lead_ids)}
    out = []
    for d in rows:
        if d.other_lead_id in others:
            other = others[d.other_lead_id]
            out.append(
                DuplicateView("lead", other.pk, other.display_name, other.company, d.score, list(d.reasons))
            )
        elif d.contact_id in contacts:
            contact = contacts[d.contact_id]
            company = contact.account.name if contact.account else ""
            out.append(
                DuplicateView("contact", contact.pk, contact.display_name, company, d.score, list(d.reasons))
            )
    return out


def duplicate_contacts(*, user: User, lead: Lead) -> list[Contact]:
    ids = [d.id for d in lead_duplicates(user=user, lead=lead) if d.kind == "contact"]
    return list(contacts_visible(user).filter(pk__in=ids).select_related("account"))


def lead_forms() -> QuerySet[LeadForm]:
    return LeadForm.objects.select_related("owner", "team").order_by("name", "pk")


def lead_form_by_key(key: str) -> LeadForm:
    return LeadForm.objects.get(key=key, active=True)


def scoring_rules() -> QuerySet[ScoringRule]:
    return ScoringRule.objects.order_by("position", "pk")


def assignment_rules() -> QuerySet[AssignmentRule]:
    return AssignmentRule.objects.select_related("team", "user").order_by("position", "pk")


def working_hours() -> QuerySet[WorkingHours]:
    return WorkingHours.objects.select_related("user").order_by("user__username")


def score_model_status() -> dict[str, Any]:
    latest = LeadScoreModel.objects.order_by("-trained_at", "-id").first()
    return {"latest": latest, "in_use": current_model() is not None, "min_outcomes": min_outcomes()}
