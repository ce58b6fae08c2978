"""Money as integer minor units with an ISO 4217 currency; formatting for the user's locale."""

from __future__ import annotations

from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol
from django.utils.translation import get_language


def minor_to_major(amount_minor: int, currency: str) -> float:
    return amount_minor / (10 ** get_currency_precision(currency))


def major_to_minor(amount: float | str, currency: str) -> int:
    from decimal import Decimal

    return int((Decimal(str(amount)) * (10 ** get_currency_precision(currency))).to_integral_value())


def format_money(amount_minor: int, currency: str, locale: str | None = None) -> str:
    lang = (locale or get_language() or "ko").replace("-", "_")
    return format_currency(minor_to_major(amount_minor, currency), currency, locale=lang)


def format_money_short(amount_minor: int, currency: str, locale: str | None = None) -> str:
    """A compact amount for tight places: 1.2억 / 3,400만 in Korean, 1.2M / 340K otherwise."""
    lang = (locale or get_language() or "ko").replace("-", "_")
    major = minor_to_major(amount_minor, currency)
    symbol = get_currency_symbol(currency, locale=lang)
    value = float(major)
    if lang.startswith("ko"):
        for unit, size in (("조", 1e12), ("억", 1e8), ("만", 1e4)):
            if abs(value) >= size:
                return f"{symbol}{format_decimal(round(value / size, 1), locale=lang)}{unit}"
    else:
        for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
            if abs(value) >= size:
                return f"{symbol}{format_decimal(round(value / size, 1), locale=lang)}{unit}"
    return format_money(amount_minor, currency, locale)
