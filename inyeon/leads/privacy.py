"""What a user is shown of a lead's personal data (masked as contacts are) and the access log of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inyeon.core.audit import log_access
from inyeon.core.models import User
from inyeon.core.phones import format_phone
from inyeon.core.pii import mask_email, mask_phone
from inyeon.core.visibility import can_see_pii
from inyeon.leads.models import Lead


@dataclass(frozen=True)
class LeadPII:
    email: str
    phone: str
    masked: bool


def present_lead_pii(lead: Lead, user: User) -> LeadPII:
    if can_see_pii(user):
        return LeadPII(email=lead.email, phone=format_phone(lead.phone), masked=False)
    return LeadPII(email=mask_email(lead.email), phone=mask_phone(lead.phone), masked=True)


def log_lead_access(
    *, user: User, leads: Iterable[Lead], action: str, ip: str | None, detail: str = ""
) -> None:
    """Record that `user` was shown these leads' personal data (only when it was unmasked)."""
    if not can_see_pii(user):
        return
    ids = [lead.pk for lead in leads if lead.email or lead.phone]
    log_access(actor=user, action=action, subject_type="lead", subject_ids=ids, ip=ip, detail=detail)
