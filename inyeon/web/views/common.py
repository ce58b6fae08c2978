"""Helpers shared by the page views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest

from inyeon.core.models import User


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def get_or_404(getter: Any, **kwargs: Any) -> Any:
    """Run a selector's `get`; a record the user may not see is a 404, like one that does not exist."""
    try:
        return getter(**kwargs)
    except Exception as exc:
        if exc.__class__.__name__ == "DoesNotExist":
            raise Http404 from None
        raise


def owner_field(form: forms.Form) -> forms.ChoiceField:
    field = form.fields["owner_id"]
    assert isinstance(field, forms.ChoiceField)
    return field
