"""Streaming CSV export of the contact list, with the list's visibility, masking and filters.

Every export is written to the access log. Cells a spreadsheet would run as a formula are
neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from inyeon.core.audit import log_access
from inyeon.core.models import AccessLog, User
from inyeon.customers.privacy import present_pii
from inyeon.customers.selectors import ContactFilters, contact_queryset

HEADER = [
    "id",
    "display_name",
    "family_name",
    "given_name",
    "email",
    "phone",
    "birth_date",
    "lifecycle_stage",
    "account",
    "owner",
    "created_at",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def contact_csv_rows(*, user: User, filters: ContactFilters, ip: str | None) -> Iterator[str]:
    """Yield the CSV text (UTF-8 BOM first, so spreadsheet programs show Hangul) of the list."""
    log_access(
        actor=user,
        action=AccessLog.Action.EXPORT,
        subject_type="contact",
        subject_ids=[],
        ip=ip,
        detail=f"contacts.csv {filters}"[:255],
    )
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    qs = contact_queryset(user=user, filters=filters).select_related("account", "owner").order_by("id")
    for contact in qs.iterator(chunk_size=2000):
        pii = present_pii(contact, user)
        yield writer.writerow(
            [
                neutralise(v)
                for v in (
                    contact.pk,
                    contact.display_name,
                    contact.family_name,
                    contact.given_name,
                    pii.email,
                    pii.phone,
                    pii.birth_date,
                    contact.lifecycle_stage,
                    contact.account.name if contact.account else "",
                    contact.owner.username,
                    contact.created_at.isoformat(),
                )
            ]
        )
