"""Turning Django's ValidationError into a flat {field: [messages]} mapping for forms and the API."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {"__all__": list(exc.messages)}


class ConflictError(Exception):
    """A stale write: the record changed since the client read it."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"stale version; current version is {current_version}")
        self.current_version = current_version
