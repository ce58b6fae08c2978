"""Helpers for the quote and contract tests: a customer of alice's and a product."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from inyeon.core.models import User
from inyeon.customers.models import Account, Contact, Product
from inyeon.quotes.models import Contract, Quote
from inyeon.quotes.services import contract_create, quote_create
from tests.conftest import Personas
from tests.factories import AccountFactory, ContactFactory, ProductFactory


@pytest.fixture
def customer(people: Personas) -> Contact:
    account = AccountFactory(owner=people.alice, name="(주)한빛상사")
    return ContactFactory(
        owner=people.alice,
        family_name="김",
        given_name="민수",
        account=account,
        primary_email="minsu@hanbit.kr",
    )


@pytest.fixture
def product(db: None) -> Product:
    return ProductFactory(code="ERP-STD", name_ko="ERP 표준 라이선스", unit_price=1_200_000, currency="KRW")


def make_quote(actor: User, contact: Contact | None = None, **data: Any) -> Quote:
    data.setdefault("lines", [{"description": "컨설팅", "quantity": 2, "unit_price": 150_000}])
    if contact is not None:
        data.setdefault("contact_id", contact.pk)
    return quote_create(data=data, actor=actor)


def make_contract(actor: User, account: Account, **data: Any) -> Contract:
    start = data.pop("start", timezone.localdate() - dt.timedelta(days=300))
    data.setdefault("end_date", (start + dt.timedelta(days=364)).isoformat())
    return contract_create(
        data={
            "title": "유지보수 계약",
            "account_id": account.pk,
            "start_date": start.isoformat(),
            "value": 12_000_000,
            **data,
        },
        actor=actor,
    )


@pytest.fixture
def tax_rates(transactional_db: None) -> None:
    """The tax rates of the data migration, for tests on a flushed (transactional) database."""
    import importlib

    from inyeon.quotes.models import TaxRate

    migration = importlib.import_module("inyeon.quotes.migrations.0002_tax_rates")
    for code, label_ko, label_en, rate_bp, is_default in migration.RATES:
        TaxRate.objects.get_or_create(
            code=code,
            defaults={
                "label_ko": label_ko,
                "label_en": label_en,
                "rate_bp": rate_bp,
                "is_default": is_default,
            },
        )
