"""Normalised match keys of a contact and the blocking keys that decide which pairs are compared.

Pure Python: the scan builds a `Person` per contact and never touches the ORM here.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from inyeon.core.hangul import name_match_key


def email_key(email: str) -> str:
    return email.strip().casefold()


def phone_key(number: str) -> str:
    """Digits of an E.164 number (stored numbers are E.164 already, which is the fast path)."""
    digits = number[1:] if number.startswith("+") else number
    return digits if digits.isdigit() else "".join(ch for ch in number if ch.isdigit())


def external_id_key(value: str) -> str:
    return value.strip().casefold()


_ADDRESS_DROP = str.maketrans("", "", " \t-._',")


def address_key(line1: str, line2: str = "") -> str:
    """NFC, casefolded, without spaces and punctuation: '월드컵북로 396, 3층' = '월드컵북로396 3층'."""
    return unicodedata.normalize("NFC", f"{line1}{line2}").casefold().translate(_ADDRESS_DROP)


NONE: frozenset[str] = frozenset()


@dataclass(slots=True)
class Person:
    """What the matcher knows of one contact. The key sets start as one shared empty set (a million
    people are built per scan) and become sets of their own when something is added."""

    id: int
    name: str  # `name_match_key`: Latin, script-, spacing- and order-free
    external_id: str = ""
    account_id: int | None = None
    birth_date: dt.date | None = None
    emails: set[str] | frozenset[str] = NONE
    phones: set[str] | frozenset[str] = NONE
    addresses: set[str] | frozenset[str] = NONE
    postal_codes: set[str] | frozenset[str] = NONE

    def add_email(self, email: str) -> None:
        if key := email_key(email):
            self.emails = self.emails | {key}

    def add_phone(self, number: str) -> None:
        if key := phone_key(number):
            self.phones = self.phones | {key}

    def add_address(self, postal_code: str, line1: str, line2: str = "") -> None:
        if key := address_key(line1, line2):
            self.addresses = self.addresses | {key}
        if postal := postal_code.strip():
            self.postal_codes = self.postal_codes | {postal}


_NAME_CACHE: dict[tuple[str, str, str], str] = {}


def name_key(family_name: str, given_name: str, display_name: str) -> str:
    names = (family_name, given_name, display_name)
    name = _NAME_CACHE.get(names)
    if name is None:
        name = name_match_key(*names)
        if len(_NAME_CACHE) < 500_000:  # names repeat a lot; the cache keeps a million rows fast
            _NAME_CACHE[names] = name
    return name


def person(
    *,
    id: int,
    family_name: str,
    given_name: str,
    display_name: str,
    email: str = "",
    phone: str = "",
    external_id: str = "",
    account_id: int | None = None,
    birth_date: dt.date | None = None,
) -> Person:
    return Person(
        id,
        name_key(family_name, given_name, display_name),
        external_id_key(external_id) if external_id else "",
        account_id,
        birth_date,
        {email_key(email)} if email.strip() else NONE,
        {phone_key(phone)} if phone else NONE,
    )


EXACT_KINDS = ("email", "phone", "external_id")
BLOCK_KINDS = ("account", "birth_date", "address", "postal_code", "phone_tail")


def exact_keys(p: Person, kind: str) -> Iterable[Hashable]:
    """Keys that make two contacts the same person on their own, of one kind."""
    if kind == "email":
        return p.emails
    if kind == "phone":
        return p.phones
    return (p.external_id,) if p.external_id else ()


def blocking_keys(p: Person, kind: str) -> Iterable[Hashable]:
    """Keys of one kind of the blocks inside which names are compared (a pair must share one).

    The phone's last four digits are shared by a hundred contacts in a million, so that block also
    takes the first letter of the name key (similar names almost always share it)."""
    if not p.name:
        return ()
    if kind == "account":
        return (p.account_id,) if p.account_id is not None else ()
    if kind == "birth_date":
        return (p.birth_date,) if p.birth_date is not None else ()
    if kind == "address":
        return p.addresses
    if kind == "postal_code":
        return p.postal_codes
    return {n[-4:] + p.name[0] for n in p.phones if len(n) >= 4}
