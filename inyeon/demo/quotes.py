"""Demo quotes and contracts: a few dozen quotes in every status and contracts, some near renewal.

Written through the services (validation, audit rows, versions), as the reps in the demo would.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from inyeon.core.models import User
from inyeon.customers.models import Contact, Product
from inyeon.quotes.models import Contract, Quote, QuoteStatus
from inyeon.quotes.services import (
    contract_create,
    contract_reminders_create,
    contract_renew,
    quote_accept,
    quote_create,
    quote_reject,
    quote_update,
)

TERMS_KO = "납품 후 30일 이내 현금 지급. 부가가치세 별도 표기."
TERMS_EN = "Payment within 30 days of delivery. VAT shown separately."


def generate_quotes(*, users: dict[str, User], seed: int = 20261122, quotes: int = 36) -> dict[str, int]:
    """Quotes for the reps' own contacts, and contracts from the accepted ones. Returns counts."""
    rng = random.Random(seed)
    reps = [u for key in ("rep1", "rep2") if (u := users.get(key)) is not None]
    products = list(Product.objects.filter(active=True, currency="KRW").order_by("pk")[:40])
    if not reps or not products:
        return {"quotes": 0, "contracts": 0}
    today = timezone.localdate()
    made = 0
    contracts = 0
    for i in range(quotes):
        rep = reps[i % len(reps)]
        contact = (
            Contact.objects.filter(owner=rep).exclude(primary_email="").order_by("pk")[i : i + 1].first()
        )
        if contact is None:
            continue
        lines = [
            {
                "product_id": product.pk,
                "quantity": rng.randint(1, 5),
                "discount": rng.choice(["", "", "5%", "10%"]),
            }
            for product in rng.sample(products, k=min(len(products), rng.randint(1, 4)))
        ]
        if rng.random() < 0.3:
            lines.append({"description": "설치 및 교육 / Setup and training", "unit_price": 300_000})
        english = rng.random() < 0.2
        quote = quote_create(
            data={
                "contact_id": contact.pk,
                "title": "연간 공급 견적" if not english else "Annual supply quotation",
                "language": "en" if english else "ko",
                "valid_until": (today + dt.timedelta(days=rng.randint(5, 45))).isoformat(),
                "discount": rng.choice(["", "", "3%", "50000"]),
                "terms": TERMS_EN if english else TERMS_KO,
                "lines": lines,
            },
            actor=rep,
        )
        made += 1
        fate = i % 6
        if fate >= 1:  # sent (the e-mail itself is not sent in the demo: the version is marked)
            _mark_sent(quote)
        if fate == 2:  # a second version after the customer asked for a better price
            quote_update(quote=quote, data={"discount": "7%"}, actor=rep)
            _mark_sent(quote)
        if fate == 3:
            quote = quote_accept(quote=quote, actor=rep)
            # Every other contract has ended (and is renewed); the rest end within four months.
            ago = rng.randint(370, 420) if i % 12 == 3 else rng.randint(250, 340)
            start = today - dt.timedelta(days=ago)
            contract = contract_create(
                data={
                    "title": quote.title,
                    "quote_id": quote.pk,
                    "start_date": start.isoformat(),
                    "end_date": (start + dt.timedelta(days=364)).isoformat(),
                    "value": quote.total,
                    "auto_renew": rng.random() < 0.4,
                    "notice_days": rng.choice([30, 60, 90]),
                },
                actor=rep,
            )
            contracts += 1
            if contract.end_date < today:
                contract_renew(contract=contract, actor=rep)
                contracts += 1
        if fate == 4:
            quote_reject(quote=quote, actor=rep)
        if fate == 5:  # lapsed: the daily job will mark it expired
            Quote.objects.filter(pk=quote.pk).update(
                valid_until=today - dt.timedelta(days=rng.randint(1, 20)), status=QuoteStatus.EXPIRED
            )
    contract_reminders_create()
    return {"quotes": made, "contracts": contracts}


def _mark_sent(quote: Quote) -> None:
    """The demo marks versions sent without mailing anyone (the send service queues a real e-mail)."""
    now = timezone.now()
    quote.refresh_from_db()
    quote.versions.filter(number=quote.current_version).update(sent_at=now)
    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.SENT, sent_at=now)


def reset_quotes() -> None:
    Contract.objects.update(previous=None, reminder=None)
    Contract.objects.all().delete()
    Quote.objects.all().delete()
