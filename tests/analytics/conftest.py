"""A small customer base with purchase histories, for the scoring job's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from inyeon.customers.models import Contact, Order
from tests.conftest import Personas
from tests.factories import ContactFactory

AS_OF = dt.date(2026, 6, 30)
SEOUL = ZoneInfo("Asia/Seoul")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=SEOUL)


@dataclass
class Base:
    buyers: list[Contact]
    prospects: list[Contact]
    newcomer: Contact
    lapsed: Contact
    referrer: Contact
    referred: Contact


def add_orders(contact: Contact, days_ago: list[int], amount: int = 50_000) -> None:
    Order.objects.bulk_create(
        Order(
            contact=contact,
            owner=contact.owner,
            team=contact.team,
            ordered_at=at(AS_OF - dt.timedelta(days=d)),
            total_amount=amount,
        )
        for d in days_ago
    )


@pytest.fixture
def base(people: Personas) -> Base:
    return make_base(people)


def make_base(people: Personas) -> Base:
    """60 buyers with random histories, 3 prospects, a newcomer, a lapsed customer, one referral."""
    rng = np.random.default_rng(11)
    buyers = []
    for i in range(60):
        owner = people.alice if i % 2 else people.bob
        contact = ContactFactory(owner=owner, team=owner.team)
        first = int(rng.integers(200, 700))
        count = int(rng.geometric(0.3))
        days = sorted({first, *rng.integers(0, first, size=count - 1).tolist()}, reverse=True)
        add_orders(contact, days, amount=int(rng.integers(10, 200)) * 1000)
        buyers.append(contact)
    prospects = [ContactFactory(owner=people.alice, team=people.alice.team) for _ in range(3)]
    newcomer = ContactFactory(owner=people.alice, team=people.alice.team)
    add_orders(newcomer, [10])
    lapsed = ContactFactory(owner=people.bob, team=people.bob.team)
    add_orders(lapsed, [690, 600, 500])
    referrer = buyers[1]
    referred = buyers[3]
    Contact.objects.filter(pk=referred.pk).update(referred_by=referrer)
    return Base(buyers, prospects, newcomer, lapsed, referrer, referred)
