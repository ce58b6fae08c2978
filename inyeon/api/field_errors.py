"""Field errors from pydantic (the request schemas) in the user's language, named like the services'.

pydantic's own messages are English only, so each error type maps to a message that is already in
the project's or Django's catalogue; the location becomes a field path such as `lines[0].quantity`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

LOCATION_ROOTS = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}


def field_path(loc: Iterable[Any]) -> str:
    out = ""
    parts = list(loc)
    for index, part in enumerate(parts):
        # Leading parts name where the value came from; the last is the field (it may be `file`).
        if not out and part in LOCATION_ROOTS and index < len(parts) - 1:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "__all__"


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("date_") and not kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("datetime_"):
        return _("Enter a date and time as YYYY-MM-DDTHH:MM.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    if kind == "less_than_equal" and "le" in ctx:
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": ctx["le"]}
    if kind == "greater_than_equal" and "ge" in ctx:
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx["ge"]
        }
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return _("Choose one of: %(choices)s.") % {"choices": str(ctx["expected"]).replace("'", "")}
    return _("Enter a valid value.")


def schema_field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"field": field_path(e.get("loc", ())), "message": _message(e)} for e in errors]


def django_field_errors(by_field: Mapping[str, list[str]]) -> list[dict[str, str]]:
    return [{"field": field, "message": str(m)} for field, messages in by_field.items() for m in messages]
