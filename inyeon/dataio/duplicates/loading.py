"""Reading contacts into `Person` rows for the matcher: the whole base or chosen ids, in bulk."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q

from inyeon.customers.models import Address, Contact, ContactEmail, ContactPhone
from inyeon.dataio.duplicates.keys import Person, person

CHUNK = 20_000


IDS_PER_QUERY = 5000


def load_people(contact_ids: Collection[int] | None = None) -> list[Person]:
    """Persons for `contact_ids` (every contact when None), with all their e-mails, phones and addresses."""
    if contact_ids is not None and len(contact_ids) > IDS_PER_QUERY:
        ordered = sorted(contact_ids)
        return [
            p
            for start in range(0, len(ordered), IDS_PER_QUERY)
            for p in load_people(ordered[start : start + IDS_PER_QUERY])
        ]
    contacts = Contact.objects.all() if contact_ids is None else Contact.objects.filter(pk__in=contact_ids)
    rows = contacts.order_by().values_list(
        "id",
        "family_name",
        "given_name",
        "display_name",
        "primary_email",
        "primary_phone",
        "external_id",
        "account_id",
        "birth_date",
    )
    people = [
        person(
            id=r[0],
            family_name=r[1],
            given_name=r[2],
            display_name=r[3],
            email=r[4],
            phone=r[5],
            external_id=r[6],
            account_id=r[7],
            birth_date=r[8],
        )
        for r in rows.iterator(chunk_size=CHUNK)
    ]
    by_id = {p.id: p for p in people}
    scope = Q() if contact_ids is None else Q(contact_id__in=contact_ids)
    # The channel rows hold the additional e-mails and phones (the primary ones are read above).
    emails = ContactEmail.objects.filter(scope)
    for contact_id, email in emails.order_by().values_list("contact_id", "email"):
        if (p := by_id.get(contact_id)) is not None:
            p.add_email(email)
    phones = ContactPhone.objects.filter(scope)
    for contact_id, number in phones.order_by().values_list("contact_id", "number"):
        if (p := by_id.get(contact_id)) is not None:
            p.add_phone(number)
    addresses = Address.objects.filter(scope, contact__isnull=False).order_by()
    for contact_id, postal, line1, line2 in addresses.values_list(
        "contact_id", "postal_code", "line1", "line2"
    ):
        if contact_id is not None and (p := by_id.get(contact_id)) is not None:
            p.add_address(postal, line1, line2)
    return people


def neighbour_ids(people: list[Person]) -> set[int]:
    """Ids of the contacts that share an exact key or a blocking key with one of `people`.

    Every look-up uses an index except birth date and address, which are one scan each.
    """
    emails = {e for p in people for e in p.emails}
    phones = {f"+{n}" for p in people for n in p.phones}
    external = {p.external_id for p in people if p.external_id}
    accounts = {p.account_id for p in people if p.account_id is not None}
    births = {p.birth_date for p in people if p.birth_date is not None}
    postal = {z for p in people for z in p.postal_codes}
    found: set[int] = set()
    contact_q = Q(primary_email__in=emails) | Q(primary_phone__in=phones) | Q(account_id__in=accounts)
    contact_q |= Q(birth_date__in=births)
    if external:
        contact_q |= Q(external_id__in=external) | Q(external_id__in={e.upper() for e in external})
    found.update(Contact.objects.filter(contact_q).values_list("id", flat=True))
    found.update(ContactEmail.objects.filter(email__in=emails).values_list("contact_id", flat=True))
    found.update(ContactPhone.objects.filter(number__in=phones).values_list("contact_id", flat=True))
    if postal:
        found.update(
            c
            for c in Address.objects.filter(postal_code__in=postal, contact__isnull=False).values_list(
                "contact_id", flat=True
            )
            if c is not None
        )
    return found
