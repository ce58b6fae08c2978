"""Background jobs of the customer context (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.core.audit import audit
from inyeon.customers.models import Contact
from inyeon.customers.names import name_keys

BATCH = 2000


@task()
def contact_search_keys_rebuild() -> int:
    """Recompute every contact's search columns (after a change to the name rules); idempotent.

    Walks the table by primary key in batches so memory stays flat at a million contacts, and
    writes only the rows whose keys differ. Returns how many rows changed.
    """
    changed = 0
    last_id = 0
    while True:
        batch = list(
            Contact.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .only(
                "pk",
                "display_name",
                "family_name",
                "given_name",
                "search_name",
                "search_given",
                "name_initials",
            )[:BATCH]
        )
        if not batch:
            break
        stale = []
        for contact in batch:
            keys = name_keys(contact.display_name, contact.family_name, contact.given_name)
            if keys != (contact.search_name, contact.search_given, contact.name_initials):
                contact.search_name, contact.search_given, contact.name_initials = keys
                stale.append(contact)
        Contact.objects.bulk_update(stale, ["search_name", "search_given", "name_initials"])
        changed += len(stale)
        last_id = batch[-1].pk
    audit(
        actor=None,
        action="update",
        entity="contact_search_keys",
        entity_id="all",
        changes={"rows_changed": [None, changed]},
    )
    return changed
