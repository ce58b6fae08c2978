"""Template helpers for duplicates: who may review them, and a contact's possible duplicates."""

from __future__ import annotations

from typing import Any

from django import template

from inyeon.core.visibility import can_merge
from inyeon.customers.models import Contact
from inyeon.dataio.duplicates.selectors import possible_duplicates

register = template.Library()


@register.filter(name="can_merge")
def can_merge_filter(user: Any) -> bool:
    return can_merge(user)


@register.inclusion_tag("web/duplicates/_possible.html", takes_context=True)
def possible_duplicates_of(context: template.Context, contact: Contact) -> dict[str, Any]:
    user = context["request"].user
    return {
        "contact": contact,
        "pairs": possible_duplicates(user=user, contact=contact),
        "reviewer": can_merge(user),
    }
