"""Template context shared by every page: the navigation and the user's rights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from inyeon.core.visibility import can_see_pii, can_write, is_admin


def ui(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_is_admin": is_admin(user),
        "user_can_write": can_write(user),
        "user_sees_pii": can_see_pii(user),
        "nav": request.resolver_match.url_name if request.resolver_match else "",
    }
