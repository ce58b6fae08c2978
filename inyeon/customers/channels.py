"""A contact's e-mails and phones, and the ready-joined text of them and of its tags
(`Contact.emails_text`, `phones_text`, `tags_text`), which exports and the API read instead of
aggregating the channel tables per contact.

The primary e-mail and phone are on the contact row (`primary_email`, `primary_phone`) and only
there; the channel tables (`ContactEmail`, `ContactPhone`) hold the additional ones, in the order
they were added. `emails_of` / `phones_of` give all of them, primary first.

Every write path that changes a contact's e-mails, phones or tags keeps the three exact: either
it knows the new values and joins them with the functions here, or it calls `refresh_channel_text`
for the contacts it touched, which reads the channel rows back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from inyeon.customers.models import Contact, ContactEmail, ContactPhone

SEPARATOR = ";"
TEXT_FIELDS = ("emails_text", "phones_text", "tags_text")


def emails_of(contact: Contact) -> list[str]:
    """Every e-mail of the contact, primary first."""
    additional = contact.emails.order_by("id").values_list("email", flat=True)
    return [e for e in (contact.primary_email, *additional) if e]


def phones_of(contact: Contact) -> list[str]:
    """Every phone of the contact, primary first."""
    additional = contact.phones.order_by("id").values_list("number", flat=True)
    return [p for p in (contact.primary_phone, *additional) if p]


def joined(values: Iterable[str]) -> str:
    """E-mails or phones (already in their order: primary first, then as they were added)."""
    return SEPARATOR.join(values)


def split(text: str) -> list[str]:
    """The values of one of the three texts, in their order ('' is none)."""
    return text.split(SEPARATOR) if text else []


def joined_tags(names: Iterable[str]) -> str:
    """Tag names in code-point order, each once (the order every export writes them in)."""
    return SEPARATOR.join(sorted(set(names)))


def channel_texts(contact_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """(emails_text, phones_text, tags_text) of each contact, read from its primary values and
    its channel rows."""
    ids = list(contact_ids)
    if not ids:
        return {}
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        for pk, email, number in Contact.objects.filter(pk__in=part).values_list(
            "pk", "primary_email", "primary_phone"
        ):
            if email:
                emails[pk].append(email)
            if number:
                phones[pk].append(number)
        for pk, email in (
            ContactEmail.objects.filter(contact_id__in=part)
            .order_by("contact_id", "id")
            .values_list("contact_id", "email")
        ):
            emails[pk].append(email)
        for pk, number in (
            ContactPhone.objects.filter(contact_id__in=part)
            .order_by("contact_id", "id")
            .values_list("contact_id", "number")
        ):
            phones[pk].append(number)
        for pk, name in Contact.tags.through.objects.filter(contact_id__in=part).values_list(
            "contact_id", "tag__name"
        ):
            tags[pk].append(name)
    return {pk: (joined(emails[pk]), joined(phones[pk]), joined_tags(tags[pk])) for pk in ids}


def refresh_channel_text(contact_ids: Iterable[int]) -> None:
    """Rewrite the three texts of these contacts from their channels (only where they differ).

    Not a change a user made, so neither the version nor `updated_at` moves and nothing is audited.
    """
    ids = sorted(set(contact_ids))
    for start in range(0, len(ids), 5000):
        texts = channel_texts(ids[start : start + 5000])
        stale = [
            Contact(pk=pk, emails_text=e, phones_text=p, tags_text=t)
            for pk, e, p, t in Contact.objects.filter(pk__in=list(texts)).values_list("pk", *TEXT_FIELDS)
            if (e, p, t) != texts[pk]
        ]
        for contact in stale:
            contact.emails_text, contact.phones_text, contact.tags_text = texts[contact.pk]
        Contact.objects.bulk_update(stale, list(TEXT_FIELDS), batch_size=1000)
