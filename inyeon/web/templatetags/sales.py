"""Template filters of the sales pages: bilingual names of pipelines, stages and close reasons."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from inyeon.core.money import format_money

register = template.Library()


@register.filter
def bilingual(obj: Any) -> str:
    """`name_en`/`label_en` in English when there is one, the Korean name otherwise."""
    if obj is None:
        return ""
    english = (get_language() or "ko").startswith("en")
    for stem in ("name", "label"):
        ko = getattr(obj, f"{stem}_ko", None)
        if ko is not None:
            en = getattr(obj, f"{stem}_en", "")
            return str(en if english and en else ko)
    return str(obj)


@register.filter
def money_totals(totals: list[tuple[str, int]]) -> str:
    """Column totals, one per currency: "₩12,500,000 · US$3,000.00"."""
    return " · ".join(format_money(amount, currency) for currency, amount in totals) if totals else "—"


@register.filter
def key(mapping: Any, k: Any) -> Any:
    return mapping.get(k) if hasattr(mapping, "get") else None


@register.inclusion_tag("web/sales/_customer_opportunities.html", takes_context=True)
def opportunities_card(context: template.Context, contact: Any = None, account: Any = None) -> dict[str, Any]:
    """The 360 pages' small list of a customer's opportunities, read through the sales selector."""
    from inyeon.sales.selectors import opportunities_of

    user = context["request"].user
    return {
        "opportunities": opportunities_of(
            user=user,
            contact_id=contact.pk if contact is not None else None,
            account_id=account.pk if account is not None else None,
        ),
        "new_query": f"contact_id={contact.pk}" if contact is not None else f"account_id={account.pk}",
        "user_can_write": context.get("user_can_write"),
    }
