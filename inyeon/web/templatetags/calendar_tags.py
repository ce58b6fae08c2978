"""The notification count in the page header."""

from __future__ import annotations

from typing import Any

from django import template

from inyeon.activities.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_count(user) if user is not None else 0
