"""The duplicate check on capture: other leads and contacts with the same normalised e-mail or phone
(the keys of `dataio.duplicates`), or a similar name at the same company (rapidfuzz, only among the
few records that share the company, so it stays cheap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from inyeon.core.hangul import name_match_key, search_key
from inyeon.customers.models import Contact, ContactEmail, ContactPhone
from inyeon.dataio.duplicates.keys import email_key
from inyeon.leads.models import Lead, LeadDuplicate

NAME_THRESHOLD = 85
CANDIDATES = 50


@dataclass
class Found:
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, reason: str, score: int) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        self.score = max(self.score, score)


def _name(lead_or_contact: Lead | Contact) -> str:
    return name_match_key(
        lead_or_contact.family_name, lead_or_contact.given_name, lead_or_contact.display_name
    )


def find(lead: Lead) -> list[LeadDuplicate]:
    """Unsaved duplicate rows for `lead` (which is saved), highest score first."""
    leads: dict[int, Found] = {}
    contacts: dict[int, Found] = {}
    email = email_key(lead.email) if lead.email else ""
    others = Lead.objects.exclude(pk=lead.pk)
    if email:
        for pk in others.filter(email=email).values_list("pk", flat=True)[:CANDIDATES]:
            leads.setdefault(pk, Found()).add("email", 100)
        contact_ids = set(
            Contact.objects.filter(primary_email=email).values_list("pk", flat=True)[:CANDIDATES]
        )
        contact_ids |= set(
            ContactEmail.objects.filter(email=email).values_list("contact_id", flat=True)[:CANDIDATES]
        )
        for pk in contact_ids:
            contacts.setdefault(pk, Found()).add("email", 100)
    if lead.phone:
        for pk in others.filter(phone=lead.phone).values_list("pk", flat=True)[:CANDIDATES]:
            leads.setdefault(pk, Found()).add("phone", 100)
        contact_ids = set(
            Contact.objects.filter(primary_phone=lead.phone).values_list("pk", flat=True)[:CANDIDATES]
        )
        contact_ids |= set(
            ContactPhone.objects.filter(number=lead.phone).values_list("contact_id", flat=True)[:CANDIDATES]
        )
        for pk in contact_ids:
            contacts.setdefault(pk, Found()).add("phone", 100)
    name = _name(lead)
    company = search_key(lead.company)[:200] if lead.company.strip() else ""
    if name and company:
        for other in others.filter(company_key=company).only(
            "pk", "family_name", "given_name", "display_name"
        )[:CANDIDATES]:
            similarity = fuzz.ratio(name, _name(other))
            if similarity >= NAME_THRESHOLD:
                leads.setdefault(other.pk, Found()).add("name_company", min(99, round(similarity)))
        same_account = Contact.objects.filter(account__search_name=company).only(
            "pk", "family_name", "given_name", "display_name"
        )[:CANDIDATES]
        for contact in same_account:
            similarity = fuzz.ratio(name, _name(contact))
            if similarity >= NAME_THRESHOLD:
                contacts.setdefault(contact.pk, Found()).add("name_company", min(99, round(similarity)))
    rows = [
        LeadDuplicate(lead=lead, other_lead_id=pk, score=f.score, reasons=f.reasons)
        for pk, f in leads.items()
    ]
    rows += [
        LeadDuplicate(lead=lead, contact_id=pk, score=f.score, reasons=f.reasons)
        for pk, f in contacts.items()
    ]
    rows.sort(key=lambda d: -d.score)
    return rows


def refresh(lead: Lead) -> list[LeadDuplicate]:
    """Replace the stored duplicates of `lead` with what the check finds now."""
    LeadDuplicate.objects.filter(lead=lead).delete()
    return LeadDuplicate.objects.bulk_create(find(lead))
