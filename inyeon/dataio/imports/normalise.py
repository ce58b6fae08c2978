"""Cleaning one cell: each function returns the normalised value or raises `Invalid` naming the
rule in the user's language. No database access here, so cleaning runs in worker processes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from inyeon.core.phones import normalise_phone
from inyeon.customers.names import split_korean_name


class Invalid(Exception):
    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


def text(value: str, max_length: int) -> str:
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise Invalid(
            _("Use at most %(n)d characters (it has %(m)d).") % {"n": max_length, "m": len(cleaned)}
        )
    return cleaned


# A strict subset of the addresses Django's validator accepts: what it matches needs no further
# check; anything else goes through the validator itself.
PLAIN_EMAIL = re.compile(
    r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def email(value: str) -> str:
    cleaned = value.strip().lower()
    if len(cleaned) <= 254 and PLAIN_EMAIL.fullmatch(cleaned):
        return cleaned
    try:
        validate_email(cleaned)
    except ValidationError:
        raise Invalid(_("Not a valid e-mail address.")) from None
    return cleaned


# Korean mobile numbers written the common way (010-1234-5678, 01012345678, 010 1234 5678):
# whether one is valid depends on its first seven digits, which `phonenumbers` decides once per
# prefix (checked with two other endings too, so a prefix whose validity depended on the ending
# would never be cached).
_KOREAN_MOBILE = re.compile(r"(01[016789])[-. ]?(\d{3,4})[-. ]?(\d{4})")
_MOBILE_PREFIX: dict[str, bool] = {}


def _parse_phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except ValidationError as exc:
        raise Invalid(exc.messages[0]) from None


def _valid_korean(national: str) -> bool:
    try:
        _parse_phone(national)
    except Invalid:
        return False
    return True


def mobile_prefix_valid(prefix: str, ending: str) -> bool | None:
    """Whether Korean mobile numbers starting with `prefix` (national digits, 0 first) are valid,
    or None when it depends on the ending (then never cached)."""
    known = _MOBILE_PREFIX.get(prefix)
    if known is None:
        verdicts = {_valid_korean(prefix + tail) for tail in (ending, "0000", "9999")}
        if len(verdicts) > 1:
            return None
        known = _MOBILE_PREFIX[prefix] = verdicts.pop()
    return known


def phone(value: str) -> str:
    raw = value.strip()
    match = _KOREAN_MOBILE.fullmatch(raw) if settings.INYEON_DEFAULT_PHONE_REGION == "KR" else None
    if match is None:
        return _parse_phone(raw)
    national = "".join(match.groups())
    if not mobile_prefix_valid(national[:-4], national[-4:]):
        return _parse_phone(raw)  # raises, naming the rule as everywhere else (or parses)
    return "+82" + national[1:]


def split_list(value: str) -> list[str]:
    """'a; b, c' -> ['a', 'b', 'c'] (for e-mails, phones and tags in one cell)."""
    if not _LIST_SEPARATOR.search(value):
        one = value.strip()
        return [one] if one else []
    return [p.strip() for p in _LIST_SEPARATOR.split(value) if p.strip()]


_LIST_SEPARATOR = re.compile(r"[;,\n]")


_KOREAN_DATE = re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일?$")
_SEPARATED = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?$")
_SHORT_YEAR = re.compile(r"^(\d{2})[./](\d{1,2})[./](\d{1,2})\.?$")


def date(value: str, fmt: str = "") -> dt.date:
    """ISO (2024-03-05, with a time part too), 2024.3.5, 2024/03/05, 20240305, 2024년 3월 5일,
    24.03.05; or the `fmt` (strptime) a mapping names."""
    raw = value.strip()
    try:
        if fmt:
            return dt.datetime.strptime(raw, fmt).date()
        if len(raw) == 8 and raw.isdigit():
            return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        head = raw.split("T")[0].split(" ")[0] if not raw.count("년") else raw
        for pattern in (_SEPARATED, _KOREAN_DATE):
            match = pattern.match(head)
            if match:
                y, m, d = (int(g) for g in match.groups())
                return dt.date(y, m, d)
        match = _SHORT_YEAR.match(head)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return dt.date(2000 + y if y < 70 else 1900 + y, m, d)
    except ValueError:
        pass
    raise Invalid(_("Not a date; write it as 2024-03-05, 2024.03.05, 20240305 or 2024년 3월 5일."))


def birth_date(value: str, fmt: str = "") -> dt.date:
    parsed = date(value, fmt)
    if parsed > dt.date.today():
        raise Invalid(_("The date cannot be in the future."))
    if parsed.year < 1900:
        raise Invalid(_("The date must be in 1900 or later."))
    return parsed


def currency(value: str) -> str:
    code = value.strip().upper()
    if code == "₩" or code == "원":
        return "KRW"
    if code not in list_currencies():
        raise Invalid(_("Not an ISO 4217 currency code (such as KRW or USD)."))
    return code


_SYMBOLS = {"₩": "KRW", "원": "KRW", "$": "USD", "US$": "USD", "€": "EUR", "¥": "JPY", "£": "GBP"}


def money(value: str, default_currency: str) -> tuple[int, str]:
    """'12,000원' -> (12000, 'KRW'); '$11.77' -> (1177, 'USD'); '11.77' with USD -> (1177, 'USD');
    '11.77 USD' too. Amounts are returned in minor units."""
    raw = value.strip().replace(",", "").replace(" ", "")
    code = default_currency
    for symbol, symbol_code in sorted(_SYMBOLS.items(), key=lambda s: -len(s[0])):
        if raw.startswith(symbol) or raw.endswith(symbol):
            code = symbol_code
            raw = raw.removeprefix(symbol).removesuffix(symbol)
            break
    if len(raw) > 3 and raw[-3:].isalpha():
        code, raw = currency(raw[-3:]), raw[:-3]
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise Invalid(_("Not an amount of money.")) from None
    if amount < 0:
        raise Invalid(_("The amount cannot be negative."))
    minor = amount * (10 ** get_currency_precision(code))
    if minor != minor.to_integral_value():
        raise Invalid(_("%(currency)s has no units smaller than its minor unit.") % {"currency": code})
    return int(minor), code


def whole_number(value: str, minimum: int = 0) -> int:
    raw = value.strip().replace(",", "")
    try:
        number = int(Decimal(raw))
        if Decimal(raw) != number:
            raise ValueError
    except (InvalidOperation, ValueError):
        raise Invalid(_("Not a whole number.")) from None
    if number < minimum:
        raise Invalid(_("The value must be at least %(n)d.") % {"n": minimum})
    return number


_TRUE = {"1", "true", "yes", "y", "t", "예", "네", "활성", "o"}
_FALSE = {"0", "false", "no", "n", "f", "아니오", "아니요", "비활성", "x"}


def boolean(value: str) -> bool:
    raw = value.strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise Invalid(_("Write yes or no."))


def choice(value: str, choices: dict[str, str]) -> str:
    """`choices` maps every accepted spelling (lower case) to the stored value."""
    key = value.strip().lower()
    if key in choices:
        return choices[key]
    shown = ", ".join(sorted(set(choices.values())))
    raise Invalid(_("Choose one of: %(choices)s.") % {"choices": shown})


def full_name(value: str) -> tuple[str, str]:
    """(family, given): '김민수' -> ('김', '민수'); 'John Smith' -> ('Smith', 'John');
    'Smith, John' -> ('Smith', 'John')."""
    raw = " ".join(value.split())
    if not raw:
        return "", ""
    if any("\uac00" <= ch <= "\ud7a3" for ch in raw):
        return split_korean_name(raw)
    if "," in raw:
        family, _, given = raw.partition(",")
        return family.strip(), given.strip()
    given, _, family = raw.rpartition(" ")
    return (family, given) if given else ("", family)
