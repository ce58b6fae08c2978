"""Template filters: money, phone numbers and lifecycle-stage badges for the user's locale."""

from __future__ import annotations

from django import template

from inyeon.core.money import format_money, format_money_short
from inyeon.core.phones import format_phone

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str = "KRW") -> str:
    if amount_minor is None:
        return ""
    return format_money(int(amount_minor), currency or "KRW")


@register.filter
def money_short(amount_minor: int | None, currency: str = "KRW") -> str:
    if amount_minor is None:
        return ""
    return format_money_short(int(amount_minor), currency or "KRW")


@register.filter
def phone(value: str) -> str:
    return value if "•" in (value or "") else format_phone(value or "")


@register.filter
def segment_label(key: str, labels: dict[str, str]) -> str:
    return labels.get(key, key) if isinstance(labels, dict) else key


@register.inclusion_tag("web/_stage.html")
def stage_badge(stage: str, label: str) -> dict[str, str]:
    return {"stage": stage, "label": label}


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with `changes` applied (None removes a key)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()
