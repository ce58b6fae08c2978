"""The filters of an export: the list's own filters, kept as JSON on a background job."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inyeon.customers.choices import LifecycleStage
from inyeon.customers.selectors import ContactFilters
from inyeon.dataio.models import RecordKind

# Filters of the account and order lists, by name and type (the contact list has ContactFilters).
ACCOUNT_FILTERS: dict[str, type] = {"q": str, "owner_id": int}
ORDER_FILTERS: dict[str, type] = {"contact_id": int, "account_id": int}
EXPORT_KINDS = (RecordKind.CONTACTS, RecordKind.ACCOUNTS, RecordKind.ORDERS)


def filter_types(kind: str) -> dict[str, type]:
    if kind == RecordKind.CONTACTS:
        hints = {"int | None": int, "float | None": float, "dt.date | None": dt.date, "str": str}
        return {f.name: hints[str(f.type)] for f in dataclasses.fields(ContactFilters)}
    if kind == RecordKind.ACCOUNTS:
        return ACCOUNT_FILTERS
    if kind == RecordKind.ORDERS:
        return ORDER_FILTERS
    raise ValidationError({"kind": _("Export contacts, accounts or orders.")})


def clean_filters(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The filters of `raw` that are set, checked and typed; a bad value names its field."""
    types = filter_types(kind)
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if value in (None, ""):
            continue
        if name not in types:
            errors[name] = [_("Not a filter of this list.")]
            continue
        try:
            out[name] = _typed(types[name], value)
        except (TypeError, ValueError):
            errors[name] = [_("“%(value)s” is not a valid value.") % {"value": value}]
    stage = out.get("lifecycle_stage")
    if kind == RecordKind.CONTACTS and stage and stage not in LifecycleStage.values:
        errors["lifecycle_stage"] = [_("Choose one of: %(s)s.") % {"s": ", ".join(LifecycleStage.values)}]
    if out.get("value_tier") and out["value_tier"] not in {"A", "B", "C"}:
        errors["value_tier"] = [_("Choose one of: %(s)s.") % {"s": "A, B, C"}]
    if errors:
        raise ValidationError(errors)
    return out


def _typed(kind: type, value: Any) -> Any:
    if kind is dt.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if kind is str:
        return str(value).strip()
    return kind(value)


def as_json(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in filters.items()}


def contact_filters(filters: dict[str, Any]) -> ContactFilters:
    return ContactFilters(**clean_filters(RecordKind.CONTACTS, filters))


def describe(filters: dict[str, Any]) -> str:
    """The filters as one short line for the access log."""
    return " ".join(f"{k}={v}" for k, v in sorted(as_json(filters).items()))[:200]
