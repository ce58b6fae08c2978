"""The demo data generator: contacts, accounts, products, orders, activities and consents.

Purchases follow the buy-till-you-die story (a per-customer Poisson rate with a dropout time and
a gamma-distributed spend), with seasonality around 설날, 추석 and December, so that the analytics
built on top see loyal, occasional and lapsed buyers. Everything derives from one seed.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from inyeon.core.models import User
from inyeon.customers.channels import joined_tags
from inyeon.customers.choices import LifecycleStage, NameOrder
from inyeon.customers.models import (
    Account,
    Activity,
    Address,
    ConsentRecord,
    Contact,
    ContactEmail,
    ContactPhone,
    Order,
    OrderLine,
    Product,
    StageChange,
    Tag,
)
from inyeon.customers.names import display_name_for, name_keys
from inyeon.demo import vocab
from inyeon.demo.catalog import catalogue_demo

HISTORY_DAYS = 3 * 365
# Relative purchase intensity per month (Jan..Dec): 설날 (Jan/Feb), 추석 (Sep), year-end (Dec).
MONTH_WEIGHT = [1.25, 1.15, 0.95, 0.95, 1.05, 0.85, 0.75, 0.8, 1.2, 1.0, 1.1, 1.45]
Progress = Callable[[int, int], None]


@dataclass
class Summary:
    users: int = 0
    accounts: int = 0
    contacts: int = 0
    orders: int = 0
    order_lines: int = 0
    activities: int = 0
    consents: int = 0
    products: int = 0
    seconds: float = 0.0
    stages: dict[str, int] = field(default_factory=dict)


def progress_to_stderr(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r  contacts [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class DemoGenerator:
    def __init__(self, *, seed: int, today: dt.date | None = None, orders_per_contact: float = 15.0):
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.orders_per_contact = orders_per_contact
        self.tz = timezone.get_current_timezone()
        self.family_names = [n for n, _ in vocab.FAMILY_NAMES]
        self.family_weights = [w for _, w in vocab.FAMILY_NAMES]
        self.phone_seen: set[str] = set()

    # --- helpers -------------------------------------------------------------------------------
    def _when(self, day: dt.date) -> dt.datetime:
        seconds = self.rng.randint(9 * 3600, 21 * 3600)
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(seconds=seconds)

    def _phone(self) -> str:
        while True:
            number = f"+8210{self.rng.randint(2000, 9999)}{self.rng.randint(0, 9999):04d}"
            if number not in self.phone_seen:
                self.phone_seen.add(number)
                return number

    def _address(self) -> dict[str, str]:
        region, city, roads = self.rng.choice(vocab.PLACES)
        return {
            "kind": "home",
            "country": "KR",
            "postal_code": f"{self.rng.randint(1000, 63999):05d}",
            "region": region,
            "city": city,
            "line1": f"{self.rng.choice(roads)} {self.rng.randint(1, 400)}",  # region and city have fields
            "line2": f"{self.rng.randint(1, 30)}층 {self.rng.randint(101, 2505)}호",
        }

    # --- reference data ------------------------------------------------------------------------
    def products(self) -> list[Product]:
        existing = {p.code: p for p in Product.objects.all()}
        new = [
            Product(code=c, name_ko=ko, name_en=en, category=cat, unit_price=price, currency="KRW")
            for c, ko, en, cat, price in vocab.PRODUCTS
            if c not in existing
        ]
        for product in new:
            product.refresh_search_keys()
        Product.objects.bulk_create(new)
        catalogue_demo(today=self.today)
        return list(Product.objects.filter(code__in=[p[0] for p in vocab.PRODUCTS]).order_by("code"))

    def accounts(self, n: int, owners: list[User]) -> list[Account]:
        rows = []
        names: set[str] = set()
        for i in range(n):
            if self.rng.random() < 0.9:
                stem, kind = self.rng.choice(vocab.COMPANY_STEMS), self.rng.choice(vocab.COMPANY_KINDS)
                name = self.rng.choice([f"(주){stem}{kind}", f"주식회사 {stem}{kind}", f"{stem}{kind}"])
            else:
                name = self.rng.choice(vocab.INTERNATIONAL_COMPANIES)
            if name in names:
                name = f"{name} {i}"
            names.add(name)
            owner = self.rng.choice(owners)
            keys = name_keys(name, "", "")
            rows.append(
                Account(
                    name=name,
                    search_name=keys[0],
                    name_initials=keys[2],
                    business_number=f"{self.rng.randint(100, 999)}-{self.rng.randint(10, 99)}-"
                    f"{self.rng.randint(10000, 99999)}",
                    industry=self.rng.choice(vocab.INDUSTRIES),
                    phone=f"+822{self.rng.randint(1000, 9999)}{self.rng.randint(1000, 9999)}",
                    source=self.rng.choice(vocab.SOURCES),
                    owner=owner,
                    team=owner.team,
                    created_at=self._when(self.today - dt.timedelta(days=self.rng.randint(400, 1500))),
                )
            )
        return Account.objects.bulk_create(rows, batch_size=2000)

    # --- people ------------------------------------------------------------------------------
    def _person(self) -> tuple[str, str, str, str, str, str]:
        """(family, given, display, order, e-mail, language)"""
        if self.rng.random() < 0.9:
            family = self.rng.choices(self.family_names, self.family_weights)[0]
            given = self.rng.choice(vocab.GIVEN_NAMES)
            roman = vocab.ROMAN_FAMILY.get(family, "park")
            local = f"{roman}{self.rng.randint(1, 99999)}"
            order, language = NameOrder.EASTERN, "ko" if self.rng.random() < 0.97 else "en"
        else:
            family, given = self.rng.choice(vocab.WESTERN_FAMILY), self.rng.choice(vocab.WESTERN_GIVEN)
            local = f"{given.lower()}.{family.lower().replace(chr(39), '')}{self.rng.randint(1, 9999)}"
            local = local.encode("ascii", "ignore").decode()
            order, language = NameOrder.WESTERN, self.rng.choice(["en", "en", "ja", "zh"])
        display = display_name_for(family, given, order)
        email = f"{local}@{self.rng.choice(vocab.EMAIL_DOMAINS)}"
        return family, given, display, order, email, language

    def _purchase_days(self, start: int) -> list[int]:
        """Days (offsets from the start of history) of one customer's purchases."""
        kind = self.rng.random()
        if kind < 0.15:
            return []  # prospect: never bought
        mean = self.orders_per_contact / 0.85 * 2.15
        if kind < 0.30:
            yearly = self.rng.gammavariate(2.0, mean / 2.0) * 1.8  # loyal
            life = HISTORY_DAYS
        elif kind < 0.75:
            yearly = self.rng.gammavariate(1.5, mean / 3.0 / 1.5) * 0.9  # occasional
            life = int(self.rng.expovariate(1 / 900))
        else:
            yearly = self.rng.gammavariate(1.2, mean / 3.0 / 1.2) * 1.3  # lapsed early
            life = int(self.rng.uniform(60, 500))
        end = min(HISTORY_DAYS, start + life)
        days = [start]
        day = float(start)
        rate = max(yearly, 0.3) / 365
        while True:
            day += self.rng.expovariate(rate)
            if day >= end:
                break
            month = (self.today - dt.timedelta(days=HISTORY_DAYS - int(day))).month
            if self.rng.random() < MONTH_WEIGHT[month - 1] / 1.45:
                days.append(int(day))
        return days

    # --- the whole thing ---------------------------------------------------------------------
    def run(
        self,
        *,
        contacts: int,
        accounts: int,
        users: dict[str, User],
        progress: Progress | None = None,
        chunk: int = 5000,
    ) -> Summary:
        started = time.monotonic()
        summary = Summary(users=len(users))
        owners = [users["rep1"], users["rep1"], users["rep2"], users["rep2"], users["manager"]]
        products = self.products()
        summary.products = len(products)
        with transaction.atomic():
            account_rows = self.accounts(accounts, owners)
        summary.accounts = len(account_rows)
        tags = {name: Tag.objects.get_or_create(name=name)[0] for name in vocab.TAGS}
        created = 0
        referrers: list[int] = []
        while created < contacts:
            size = min(chunk, contacts - created)
            with transaction.atomic():
                self._chunk(size, owners, account_rows, products, tags, referrers, summary)
            created += size
            if progress:
                progress(created, contacts)
        summary.contacts = created
        summary.seconds = time.monotonic() - started
        return summary

    def _chunk(
        self,
        size: int,
        owners: list[User],
        accounts: list[Account],
        products: list[Product],
        tags: dict[str, Tag],
        referrers: list[int],
        summary: Summary,
    ) -> None:
        rng = self.rng
        history_start = self.today - dt.timedelta(days=HISTORY_DAYS)
        contacts: list[Contact] = []
        plans: list[tuple[list[int], float, dict[str, str] | None, list[str]]] = []
        for _ in range(size):
            family, given, display, order, email, language = self._person()
            first_day = rng.randint(0, HISTORY_DAYS - 1)
            days = self._purchase_days(first_day)
            created_day = max(0, first_day - rng.randint(0, 60))
            owner = rng.choice(owners)
            search_name, search_given, initials = name_keys(display, family, given)
            stage = self._stage(days)
            phone = self._phone()
            contacts.append(
                Contact(
                    family_name=family,
                    given_name=given,
                    display_name=display,
                    name_order=order,
                    search_name=search_name,
                    search_given=search_given,
                    name_initials=initials,
                    primary_email=email,
                    primary_phone=phone,
                    emails_text=email,
                    phones_text=phone,
                    birth_date=dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
                    if rng.random() < 0.8
                    else None,
                    preferred_channel=rng.choice(["email", "email", "sms", "sms", "phone", "mail", ""]),
                    language=language,
                    source=rng.choice(vocab.SOURCES),
                    account=rng.choice(accounts) if accounts and rng.random() < 0.3 else None,
                    referred_by_id=rng.choice(referrers) if referrers and rng.random() < 0.05 else None,
                    lifecycle_stage=stage,
                    owner=owner,
                    team=owner.team,
                    created_at=self._when(history_start + dt.timedelta(days=created_day)),
                    updated_at=timezone.now(),
                )
            )
            spend = rng.gammavariate(2.2, 18000)
            plans.append(
                (
                    days,
                    spend,
                    self._address() if rng.random() < 0.6 else None,
                    rng.sample(vocab.TAGS, rng.choice([0, 0, 1, 1, 2])),
                )
            )
            contacts[-1].tags_text = joined_tags(plans[-1][3])
            summary.stages[stage] = summary.stages.get(stage, 0) + 1
        Contact.objects.bulk_create(contacts, batch_size=2000)
        referrers.extend(c.pk for c in contacts[:: max(1, size // 200)])

        addresses: list[Address] = []
        tag_links: list[Any] = []
        orders: list[Order] = []
        order_lines: list[list[OrderLine]] = []
        activities: list[Activity] = []
        consents: list[ConsentRecord] = []
        stages: list[StageChange] = []
        tag_through = Contact.tags.through
        for contact, (days, spend, address, tag_names) in zip(contacts, plans, strict=True):
            if address:
                addresses.append(Address(contact=contact, **address))
            tag_links.extend(tag_through(contact_id=contact.pk, tag_id=tags[t].pk) for t in tag_names)
            for day in days:
                when = self._when(history_start + dt.timedelta(days=day))
                lines = []
                for product in rng.sample(products, rng.choice([1, 1, 1, 2, 2, 3])):
                    quantity = rng.choice([1, 1, 1, 2, 3])
                    lines.append(
                        OrderLine(
                            product=product,
                            quantity=quantity,
                            unit_price=product.unit_price,
                            amount=quantity * product.unit_price,
                        )
                    )
                target = max(3000, int(rng.gammavariate(4.0, spend / 4.0)) // 100 * 100)
                total = sum(line.amount for line in lines)
                # Scale the basket towards the customer's typical spend, in whole won.
                if total and abs(total - target) > target * 0.5:
                    factor = target / total
                    for line in lines:
                        line.unit_price = max(100, int(line.unit_price * factor) // 100 * 100)
                        line.amount = line.unit_price * line.quantity
                status_roll = rng.random()
                status = (
                    "cancelled" if status_roll < 0.02 else "refunded" if status_roll < 0.03 else "completed"
                )
                orders.append(
                    Order(
                        contact=contact,
                        account=contact.account,
                        number=f"D{when:%y%m%d}-{len(orders) + summary.orders:07d}",
                        ordered_at=when,
                        currency="KRW",
                        total_amount=sum(line.amount for line in lines),
                        quantity=sum(line.quantity for line in lines),
                        channel=rng.choice(
                            ["online", "online", "online", "store", "store", "phone", "sales"]
                        ),
                        status=status,
                        owner=contact.owner,
                        team=contact.team,
                        created_at=when,
                        updated_at=when,
                    )
                )
                order_lines.append(lines)
            consents.extend(self._consents(contact))
            stages.append(
                StageChange(
                    contact=contact,
                    from_stage="",
                    to_stage=contact.lifecycle_stage,
                    changed_at=contact.created_at,
                    reason="demo",
                )
            )
            if rng.random() < 0.35:
                activities.extend(self._activities(contact))
        Address.objects.bulk_create(addresses, batch_size=5000)
        tag_through.objects.bulk_create(tag_links, batch_size=5000)
        Order.objects.bulk_create(orders, batch_size=5000)
        flat_lines = []
        for parent, lines in zip(orders, order_lines, strict=True):
            for line in lines:
                line.order = parent
                flat_lines.append(line)
        OrderLine.objects.bulk_create(flat_lines, batch_size=5000)
        Activity.objects.bulk_create(activities, batch_size=5000)
        ConsentRecord.objects.bulk_create(consents, batch_size=5000)
        StageChange.objects.bulk_create(stages, batch_size=5000)
        summary.orders += len(orders)
        summary.order_lines += len(flat_lines)
        summary.activities += len(activities)
        summary.consents += len(consents)

    def _stage(self, days: list[int]) -> str:
        if not days:
            return LifecycleStage.PROSPECT
        since_last = HISTORY_DAYS - days[-1]
        since_first = HISTORY_DAYS - days[0]
        if since_last > 365:
            return LifecycleStage.CHURNED
        if since_first <= 90:
            return LifecycleStage.NEW
        if len(days) >= 2.2 * self.orders_per_contact:
            return LifecycleStage.CORE
        return LifecycleStage.EXISTING

    def _consents(self, contact: Contact) -> list[ConsentRecord]:
        rng = self.rng
        out = []
        base = contact.created_at
        for channel, share in (("email", 0.7), ("sms", 0.5), ("phone", 0.2), ("post", 0.15), ("night", 0.12)):
            if rng.random() >= share:
                continue
            out.append(
                ConsentRecord(
                    contact=contact,
                    channel=channel,
                    status="granted",
                    purpose="마케팅 정보 수신 / marketing",
                    source=contact.source or "웹사이트",
                    recorded_at=base,
                )
            )
            if rng.random() < 0.1:
                out.append(
                    ConsentRecord(
                        contact=contact,
                        channel=channel,
                        status="withdrawn",
                        purpose="수신 거부 / opt-out",
                        source="고객 요청",
                        recorded_at=base + dt.timedelta(days=rng.randint(30, 600)),
                    )
                )
        return out

    def _activities(self, contact: Contact) -> list[Activity]:
        rng = self.rng
        out = []
        now = timezone.now()
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["note", "call", "call", "meeting", "email", "task"])
            occurred = now - dt.timedelta(days=rng.randint(0, 700), hours=rng.randint(0, 23))
            due = done = None
            if kind == "task":
                due = now + dt.timedelta(days=rng.randint(-20, 30))
                done = due if due < now and rng.random() < 0.7 else None
            schedule = self._schedule(kind, occurred, now)
            out.append(
                Activity(
                    kind=kind,
                    subject=rng.choice(vocab.ACTIVITY_SUBJECTS[kind]),
                    contact=contact,
                    account=contact.account,
                    occurred_at=schedule.pop("occurred_at", occurred),
                    due_at=due,
                    done_at=done,
                    owner=contact.owner,
                    team=contact.team,
                    created_at=occurred,
                    updated_at=occurred,
                    **schedule,
                )
            )
        return out

    @staticmethod
    def _schedule(kind: str, occurred: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        """Start, end and place of calls and meetings; one in five is upcoming, with a reminder.

        Derived from the time drawn already, so the random sequence (and the rest of the data set)
        is the same as without it.
        """
        if kind not in ("call", "meeting"):
            return {}
        seconds = int(occurred.timestamp())
        length = dt.timedelta(minutes=30 if kind == "call" else 60)
        place = vocab.MEETING_PLACES[seconds % len(vocab.MEETING_PLACES)] if kind == "meeting" else ""
        if seconds % 5:
            return {"starts_at": occurred, "ends_at": occurred + length, "location": place}
        day = timezone.localtime(now).replace(hour=9 + seconds % 8, minute=0, second=0, microsecond=0)
        start = day + dt.timedelta(days=1 + seconds % 21)
        return {
            "occurred_at": start,
            "starts_at": start,
            "ends_at": start + length,
            "location": place,
            "remind_before_minutes": 60,
            "remind_at": start - dt.timedelta(minutes=60),
        }


def demo_exists() -> bool:
    return Contact.objects.exists()


def reset_customer_data() -> None:
    """Delete every customer record (not users): used by `inyeon demo --reset`."""
    from inyeon.demo.quotes import reset_quotes

    with transaction.atomic():
        reset_quotes()
        for model in (
            OrderLine,
            Order,
            Activity,
            ConsentRecord,
            StageChange,
            Address,
            ContactEmail,
            ContactPhone,
        ):
            model.objects.all().delete()
        Contact.tags.through.objects.all().delete()
        Contact.objects.update(referred_by=None)
        Contact.objects.all().delete()
        Account.tags.through.objects.all().delete()
        Account.objects.all().delete()
