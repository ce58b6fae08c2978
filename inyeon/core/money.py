"""Money as integer minor units with an ISO 4217 currency; formatting for the user's locale."""

from __future__ import annotations

from babel.numbers import format_currency, get_currency_precision
from django.utils.translation import get_language


def minor_to_major(amount_minor: int, currency: str) -> float:
    return amount_minor / (10 ** get_currency_precision(currency))


def major_to_minor(amount: float | str, currency: str) -> int:
    from decimal import Decimal

    return int((Decimal(str(amount)) * (10 ** get_currency_precision(currency))).to_integral_value())


def format_money(amount_minor: int, currency: str, locale: str | None = None) -> str:
    lang = (locale or get_language() or "ko").replace("-", "_")
    return format_currency(minor_to_major(amount_minor, currency), currency, locale=lang)
