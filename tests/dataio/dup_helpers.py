"""Contacts for the duplicates tests: Kim Minsu written three ways, all owned by alice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inyeon.core.models import User
from inyeon.customers import services as customers
from inyeon.customers.models import Contact

BIRTH = "1988-03-02"


def make(owner: User, **data: Any) -> Contact:
    return customers.contact_create(data={"birth_date": BIRTH, **data}, actor=owner)


def kims(owner: User) -> tuple[Contact, Contact, Contact]:
    return (
        make(owner, display_name="김민수", emails=["minsu@example.kr"]),
        make(owner, display_name="김 민수", phones=["010-2222-3333"]),
        make(owner, display_name="Kim Minsu", name_order="western"),
    )


def stranger(owner: User, name: str = "박지영") -> Contact:
    return make(owner, display_name=name, birth_date=dt.date(1970, 1, 1).isoformat())
