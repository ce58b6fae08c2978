"""Cleaning and validating customer input; every rule names its field. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from inyeon.core.phones import normalise_phone


class Errors:
    """Collects field errors so that one response names every bad field at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def clean_text(
    data: Mapping[str, Any], field: str, errors: Errors, *, max_length: int, required: bool = False
) -> str | None:
    if field not in data:
        return None
    value = data[field]
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(
            field, _("Use at most %(n)d characters (it has %(m)d).") % {"n": max_length, "m": len(text)}
        )
    return text


def clean_choice(
    data: Mapping[str, Any], field: str, errors: Errors, choices: list[str], *, allow_blank: bool = True
) -> str | None:
    if field not in data:
        return None
    value = "" if data[field] is None else str(data[field]).strip()
    if value == "" and allow_blank:
        return ""
    if value not in choices:
        errors.add(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return value


def clean_email(value: str, field: str, errors: Errors) -> str:
    email = value.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.add(field, _("“%(value)s” is not a valid e-mail address.") % {"value": value})
    return email


def clean_phone(value: str, field: str, errors: Errors) -> str:
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        errors.add(field, exc.messages[0])
        return value


def clean_date(data: Mapping[str, Any], field: str, errors: Errors) -> dt.date | str | None:
    """A date from an ISO string or date; returns '' when the key is absent (unchanged)."""
    if field not in data:
        return ""
    value = data[field]
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        parsed = value
    else:
        text = str(value).strip().replace(".", "-").replace("/", "-")
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            errors.add(field, _("Enter a date as YYYY-MM-DD."))
            return None
    if parsed > dt.date.today():
        errors.add(field, _("The date cannot be in the future."))
    elif parsed.year < 1900:
        errors.add(field, _("The date must be in 1900 or later."))
    return parsed


def clean_currency(value: str, field: str, errors: Errors) -> str:
    code = (value or "").strip().upper()
    if code not in list_currencies():
        errors.add(field, _("“%(value)s” is not an ISO 4217 currency code.") % {"value": value})
    return code


def clean_int(
    data: Mapping[str, Any], field: str, errors: Errors, *, minimum: int | None = None
) -> int | None:
    if field not in data or data[field] in (None, ""):
        return None
    try:
        value = int(data[field])
    except (TypeError, ValueError):
        errors.add(field, _("Enter a whole number."))
        return None
    if minimum is not None and value < minimum:
        errors.add(field, _("The value must be at least %(n)d.") % {"n": minimum})
    return value
