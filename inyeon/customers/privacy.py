"""What a user is shown of a contact's personal data, and the access log of what they saw.

HTML, JSON, search results and exports all present personal data through `present_pii`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from inyeon.core.audit import Access, log_read
from inyeon.core.models import User
from inyeon.core.phones import format_phone
from inyeon.core.pii import mask_birth_date, mask_email, mask_phone, mask_text
from inyeon.core.visibility import can_see_pii
from inyeon.customers.channels import split
from inyeon.customers.models import Address, Contact
from inyeon.customers.selectors import contact_addresses


@dataclass(frozen=True)
class ContactPII:
    email: str
    phone: str
    emails: list[str]
    phones: list[str]
    birth_date: str
    addresses: list[str]
    masked: bool


def present_pii(contact: Contact, user: User, *, with_related: bool = False) -> ContactPII:
    """Personal data of `contact` as `user` may see it: plain for PII roles, masked for others."""
    # The ready-joined channel texts hold every e-mail and phone, primary first (customers.channels).
    emails = split(contact.emails_text) if with_related else []
    phones = split(contact.phones_text) if with_related else []
    # Records written before the channel tables (bulk imports) still show their primary values.
    if with_related and not emails and contact.primary_email:
        emails = [contact.primary_email]
    if with_related and not phones and contact.primary_phone:
        phones = [contact.primary_phone]
    addresses = _addresses(contact) if with_related else []
    return _present(
        user,
        email=contact.primary_email,
        phone=contact.primary_phone,
        birth_date=contact.birth_date,
        emails=emails,
        phones=phones,
        addresses=addresses,
    )


def _addresses(contact: Contact) -> list[str]:
    """The contact's addresses on one line each, from what `selectors.contact_get` read with it."""
    parts = getattr(contact, "address_parts", None)
    if parts is None:
        return [str(a) for a in contact_addresses(contact)]
    return [Address.one_line(p) for p in parts]


RowPII = Callable[[Mapping[str, Any]], tuple[str, str, bool]]


def row_pii(user: User) -> RowPII:
    """How `user` is shown the primary e-mail and phone of rows of `selectors.contact_rows`
    (holding `primary_email` and `primary_phone`): a function of a row giving (e-mail, phone,
    masked), decided once for a whole page; the same values as `present_pii` gives."""
    if can_see_pii(user):
        return lambda row: (row["primary_email"], row["primary_phone"], False)
    return lambda row: (mask_email(row["primary_email"]), mask_phone(row["primary_phone"]), True)


def _present(
    user: User,
    *,
    email: str,
    phone: str,
    birth_date: dt.date | None,
    emails: list[str],
    phones: list[str],
    addresses: list[str],
) -> ContactPII:
    if can_see_pii(user):
        return ContactPII(
            email=email,
            phone=phone,
            emails=emails,
            phones=phones,
            birth_date=birth_date.isoformat() if birth_date else "",
            addresses=addresses,
            masked=False,
        )
    return ContactPII(
        email=mask_email(email),
        phone=mask_phone(phone),
        emails=[mask_email(e) for e in emails],
        phones=[mask_phone(p) for p in phones],
        birth_date=mask_birth_date(birth_date),
        addresses=[mask_text(a) for a in addresses],
        masked=True,
    )


def display_phone(pii: ContactPII) -> str:
    return pii.phone if pii.masked else format_phone(pii.phone)


# A contact shown to a user holds personal data, and is logged as seen, if any of these is set.
SHOWN_WHEN = ("primary_email", "primary_phone", "birth_date")


def pii_access(*, user: User, action: str, ip: str | None, detail: str = "") -> Access | None:
    """The access-log row that showing contacts to `user` owes; None where their personal data is
    masked. A read given it (`selectors.contact_get(access=...)`) writes it for what it shows."""
    if not can_see_pii(user):
        return None
    return Access(
        actor=user, action=action, subject_type="contact", ip=ip, detail=detail, shown_when=SHOWN_WHEN
    )


def log_pii_access(
    *,
    user: User,
    contacts: Iterable[Contact | Mapping[str, Any]],
    action: str,
    ip: str | None,
    detail: str = "",
) -> None:
    """Record that `user` was shown the personal data of `contacts` (only if it was unmasked):
    contacts, or rows of `selectors.contact_rows`."""
    access = pii_access(user=user, action=action, ip=ip, detail=detail)
    if access is not None:
        log_read(access, list(contacts))
