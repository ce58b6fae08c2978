"""Reads of the duplicates context, scoped by what the user may see.

A pair is listed only when the user may see both of its contacts (through
`customers.selectors.contacts_visible`, the one visibility layer).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_page
from inyeon.core.visibility import can_merge
from inyeon.customers.models import Contact
from inyeon.customers.privacy import present_pii
from inyeon.customers.selectors import contacts_visible
from inyeon.dataio.duplicates.merge import MERGE_FIELDS
from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, DuplicateScan, MergeRecord


def candidates_visible(user: User, *, status: str = CandidateStatus.OPEN) -> QuerySet[DuplicateCandidate]:
    if not can_merge(user):
        return DuplicateCandidate.objects.none()
    visible = contacts_visible(user).values("pk")
    return DuplicateCandidate.objects.filter(status=status, first__in=visible, second__in=visible)


def candidate_list(*, user: User, cursor: str | None = None, limit: int = 50) -> Page[DuplicateCandidate]:
    """Open pairs, the highest score first (keyset pages)."""
    queryset = candidates_visible(user).select_related("first", "second")
    return keyset_page(queryset, sort="-score", cursor=cursor, limit=limit)


def candidate_get(*, user: User, pk: int) -> DuplicateCandidate:
    return candidates_visible(user).select_related("first", "second").get(pk=pk)


def possible_duplicates(*, user: User, contact: Contact) -> list[tuple[Contact, DuplicateCandidate]]:
    """The open candidates of a contact the user sees, each with its other contact (also visible)."""
    visible = contacts_visible(user).values("pk")
    pairs = (
        DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN)
        .filter(Q(first=contact, second__in=visible) | Q(second=contact, first__in=visible))
        .select_related("first", "second")
        .order_by("-score", "id")
    )
    return [(pair.second if pair.first_id == contact.pk else pair.first, pair) for pair in pairs[:20]]


@dataclass(frozen=True)
class FieldDifference:
    name: str
    label: str
    first: str
    second: str


PII_FIELDS = {"primary_email": "email", "primary_phone": "phone", "birth_date": "birth_date"}


def _shown(contact: Contact, name: str, user: User) -> str:
    """A field's value as text for the reviewer; personal data as `present_pii` shows it to them."""
    if name in PII_FIELDS:
        return str(getattr(present_pii(contact, user), PII_FIELDS[name]))
    if name in ("name_order", "preferred_channel", "language", "lifecycle_stage"):
        return str(getattr(contact, f"get_{name}_display")())
    value = getattr(contact, name)
    return "" if value is None else str(value)


def differing_fields(first: Contact, second: Contact, user: User) -> list[FieldDifference]:
    """The merge fields whose values differ, with what each contact holds (for display)."""
    out = []
    for name in MERGE_FIELDS:
        field = Contact._meta.get_field(name)
        attname = getattr(field, "attname", name)
        if getattr(first, attname) != getattr(second, attname):
            label = str(getattr(field, "verbose_name", name))
            out.append(FieldDifference(name, label, _shown(first, name, user), _shown(second, name, user)))
    return out


def merge_history(*, user: User, limit: int = 50) -> list[MergeRecord]:
    if not can_merge(user):
        return []
    return list(
        MergeRecord.objects.filter(survivor__in=contacts_visible(user).values("pk")).select_related(
            "survivor", "merged_by", "undone_by"
        )[:limit]
    )


def merge_get(*, user: User, pk: int) -> MergeRecord:
    if not can_merge(user):
        raise MergeRecord.DoesNotExist
    return MergeRecord.objects.filter(survivor__in=contacts_visible(user).values("pk")).get(pk=pk)


def scan_get(pk: int) -> DuplicateScan:
    return DuplicateScan.objects.get(pk=pk)


def latest_scan() -> DuplicateScan | None:
    return DuplicateScan.objects.first()
