"""Helpers shared by the API routers."""

from __future__ import annotations

from django.http import HttpRequest

from inyeon.core.models import User


def actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
