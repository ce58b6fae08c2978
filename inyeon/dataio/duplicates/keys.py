"""Normalised match keys of a contact and the blocking keys that decide which pairs are compared.

Pure Python: the scan builds a `Person` per contact and never touches the ORM here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from inyeon.core.hangul import name_match_key, search_key


def email_key(email: str) -> str:
    return email.strip().casefold()


def phone_key(number: str) -> str:
    """Digits of an E.164 number (stored numbers are E.164 already)."""
    return "".join(ch for ch in number if ch.isdigit())


def external_id_key(value: str) -> str:
    return value.strip().casefold()


def address_key(line1: str, line2: str = "") -> str:
    return search_key(f"{line1}{line2}")


@dataclass(slots=True)
class Person:
    """What the matcher knows of one contact."""

    id: int
    name: str  # `name_match_key`: Latin, script-, spacing- and order-free
    external_id: str = ""
    account_id: int | None = None
    birth_date: dt.date | None = None
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    postal_codes: set[str] = field(default_factory=set)

    def add_email(self, email: str) -> None:
        if key := email_key(email):
            self.emails.add(key)

    def add_phone(self, number: str) -> None:
        if key := phone_key(number):
            self.phones.add(key)

    def add_address(self, postal_code: str, line1: str, line2: str = "") -> None:
        if key := address_key(line1, line2):
            self.addresses.add(key)
        if postal := postal_code.strip():
            self.postal_codes.add(postal)


_NAME_CACHE: dict[tuple[str, str, str], str] = {}


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
    names = (family_name, given_name, display_name)
    name = _NAME_CACHE.get(names)
    if name is None:
        name = name_match_key(*names)
        if len(_NAME_CACHE) < 500_000:  # names repeat a lot; the cache keeps a million rows fast
            _NAME_CACHE[names] = name
    p = Person(
        id=id,
        name=name,
        external_id=external_id_key(external_id),
        account_id=account_id,
        birth_date=birth_date,
    )
    p.add_email(email)
    p.add_phone(phone)
    return p


def exact_keys(p: Person, *, email: bool, phone: bool, external_id: bool) -> Iterable[str]:
    """Keys that make two contacts the same person on their own."""
    if email:
        yield from (f"e:{e}" for e in p.emails)
    if phone:
        yield from (f"p:{n}" for n in p.phones)
    if external_id and p.external_id:
        yield f"x:{p.external_id}"


def blocking_keys(p: Person) -> Iterable[str]:
    """Keys of the blocks inside which names are compared: a pair must share one to be scored."""
    if not p.name:
        return
    if p.account_id is not None:
        yield f"a:{p.account_id}"
    if p.birth_date is not None:
        yield f"b:{p.birth_date.isoformat()}"
    yield from (f"d:{a}" for a in p.addresses)
    yield from (f"z:{z}" for z in p.postal_codes)
    yield from (f"t:{n[-4:]}" for n in p.phones if len(n) >= 4)
