"""Quotes: creation with versioned lines, editing after sending, accept → order once, reject, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inyeon.core.models import AuditLog
from inyeon.customers.models import Contact, Order, Product
from inyeon.quotes import selectors
from inyeon.quotes.models import Quote, QuoteStatus, TaxRate
from inyeon.quotes.services import (
    quote_accept,
    quote_create,
    quote_reject,
    quote_send,
    quote_update,
    quotes_expire,
)
from inyeon.sales.services import opportunity_create
from tests.conftest import Personas
from tests.quotes.conftest import make_quote

pytestmark = pytest.mark.django_db


def test_a_quote_gets_a_number_v1_lines_and_totals_with_vat(
    people: Personas, customer: Contact, product: Product
) -> None:
    quote = make_quote(
        people.alice,
        customer,
        discount="10%",
        lines=[
            {"product_id": product.pk, "quantity": 2, "discount": "5%"},
            {"description": "설치 지원", "quantity": 1, "unit_price": 300_000, "tax_code": "KR-ZERO"},
            {"description": "", "quantity": "", "unit_price": ""},  # a blank form row
        ],
    )
    year = quote.created_at.year
    assert quote.number == f"Q-{year}-{quote.pk:06d}" and quote.status == QuoteStatus.DRAFT
    assert quote.account == customer.account and quote.owner == people.alice and quote.team == people.gangnam
    version = selectors.quote_version(quote)
    lines = selectors.version_lines(version)
    assert [(line.unit_price, line.net) for line in lines] == [(1_200_000, 2_280_000), (300_000, 300_000)]
    assert version.subtotal == 2_580_000 and version.discount_total == 258_000
    # VAT on the VAT line's discounted base (2,280,000 − 228,000); the zero-rated line pays none.
    assert version.tax_total == 205_200 and quote.total == version.total == 2_527_200
    assert AuditLog.objects.filter(entity="quote", entity_id=str(quote.pk), action="create").exists()


def test_the_default_tax_rate_is_korean_vat() -> None:
    assert selectors.tax_rate_default().code == "KR-VAT" and selectors.tax_rate_default().rate_bp == 1000
    assert set(TaxRate.objects.values_list("code", flat=True)) >= {"KR-VAT", "KR-ZERO", "KR-EXEMPT"}


def test_bad_input_names_every_field_and_writes_nothing(people: Personas, customer: Contact) -> None:
    with pytest.raises(ValidationError) as exc:
        quote_create(
            data={
                "contact_id": customer.pk,
                "currency": "ZZZ",
                "valid_until": "2001-01-01",
                "discount": "120%",
                "lines": [{"description": "x", "quantity": 0, "unit_price": -5, "tax_code": "NOPE"}],
            },
            actor=people.alice,
        )
    assert set(exc.value.message_dict) == {
        "currency",
        "valid_until",
        "discount",
        "lines[0].quantity",
        "lines[0].unit_price",
        "lines[0].tax_rate_id",
    }
    assert not Quote.objects.exists()


def test_a_rep_may_only_quote_for_customers_they_can_see(people: Personas, customer: Contact) -> None:
    with pytest.raises(ValidationError) as exc:
        make_quote(people.oscar, customer)
    assert "contact_id" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        make_quote(people.rita, customer)


def test_a_quote_can_come_from_an_opportunity(people: Personas, customer: Contact) -> None:
    opp = opportunity_create(data={"name": "ERP", "contact_id": customer.pk}, actor=people.alice)
    quote = quote_create(data={"opportunity_id": opp.pk, "lines": []}, actor=people.alice)
    assert quote.opportunity == opp and quote.contact == customer and quote.account == customer.account
    assert selectors.quote_list(user=people.alice, opportunity_id=opp.pk).items == [quote]


def test_editing_a_draft_changes_its_version_in_place(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer)
    quote = quote_update(
        quote=quote,
        data={"lines": [{"description": "교육", "quantity": 1, "unit_price": 90_000}]},
        actor=people.alice,
        expected_version=quote.version,
    )
    assert quote.current_version == 1 and quote.versions.count() == 1
    assert quote.total == 99_000


def test_editing_a_sent_quote_makes_a_new_version_and_keeps_the_old_lines(
    people: Personas, customer: Contact, django_capture_on_commit_callbacks: object
) -> None:
    quote = make_quote(people.alice, customer)
    quote = quote_send(quote=quote, actor=people.alice)
    quote = quote_update(
        quote=quote,
        data={
            "lines": [{"description": "컨설팅", "quantity": 3, "unit_price": 150_000}],
            "discount": "20000",
        },
        actor=people.alice,
    )
    assert quote.current_version == 2 and quote.status == QuoteStatus.DRAFT
    v1, v2 = sorted(quote.versions.all(), key=lambda v: v.number)
    assert [line.quantity for line in v1.lines.all()] == [2] and v1.total == 330_000 and v1.sent_at
    assert [line.quantity for line in v2.lines.all()] == [3] and v2.discount_total == 20_000
    assert v2.total == (450_000 - 20_000) * 11 // 10 and quote.total == v2.total


def test_a_stale_edit_is_refused(people: Personas, customer: Contact) -> None:
    from inyeon.core.errors import ConflictError

    quote = make_quote(people.alice, customer)
    quote_update(quote=quote, data={"title": "A"}, actor=people.alice, expected_version=1)
    with pytest.raises(ConflictError):
        quote_update(quote=quote, data={"title": "B"}, actor=people.alice, expected_version=1)


def test_accepting_creates_exactly_one_order_linked_to_the_quote(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer, discount="10%")
    quote = quote_accept(quote=quote, actor=people.alice)
    assert quote.status == QuoteStatus.ACCEPTED and quote.order is not None
    order = Order.objects.get()
    assert order.quote == quote and order.number == quote.number and order.total_amount == quote.total
    assert order.contact == customer and order.status == "pending"
    assert list(order.lines.values_list("quantity", "unit_price")) == [(2, 150_000)]
    with pytest.raises(ValidationError) as exc:
        quote_accept(quote=quote, actor=people.alice)
    assert "status" in exc.value.message_dict
    assert Order.objects.count() == 1


def test_rejected_and_expired_quotes_cannot_be_accepted(people: Personas, customer: Contact) -> None:
    rejected = quote_reject(quote=make_quote(people.alice, customer), actor=people.alice)
    with pytest.raises(ValidationError):
        quote_accept(quote=rejected, actor=people.alice)
    lapsed = make_quote(people.alice, customer)
    Quote.objects.filter(pk=lapsed.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    lapsed.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        quote_accept(quote=lapsed, actor=people.alice)
    assert "valid_until" in exc.value.message_dict
    assert quotes_expire() == 1 and quotes_expire() == 0
    lapsed.refresh_from_db()
    assert lapsed.status == QuoteStatus.EXPIRED
    with pytest.raises(ValidationError):
        quote_accept(quote=lapsed, actor=people.alice)
    assert not Order.objects.exists()


def test_an_accepted_quote_cannot_be_edited(people: Personas, customer: Contact) -> None:
    quote = quote_accept(quote=make_quote(people.alice, customer), actor=people.alice)
    with pytest.raises(ValidationError):
        quote_update(quote=quote, data={"lines": []}, actor=people.alice)


def test_lists_and_details_follow_the_quotes_owner_and_team(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer)
    assert selectors.quote_list(user=people.alice).items == [quote]
    assert selectors.quote_list(user=people.carol).items == [quote]  # alice's manager
    assert selectors.quote_list(user=people.bob).items == []
    assert selectors.quote_list(user=people.oscar).items == []
    with pytest.raises(Quote.DoesNotExist):
        selectors.quote_get(user=people.bob, pk=quote.pk)


def test_a_line_without_a_price_takes_the_customers_price_list_price(
    people: Personas, customer: Contact, product: Product
) -> None:
    from inyeon.analytics.models import CustomerScore
    from inyeon.catalog import services as catalog

    everyone = catalog.price_list_create(
        data={"name": "상시 할인", "currency": "KRW", "valid_from": "2020-01-01"}, actor=people.carol
    )
    catalog.price_list_item_set(
        price_list=everyone, data={"product_id": product.pk, "price": 1_100_000}, actor=people.carol
    )
    vip = catalog.price_list_create(
        data={
            "name": "VIP",
            "currency": "KRW",
            "valid_from": "2020-01-01",
            "segment_kind": "value_tier",
            "segment": "A",
        },
        actor=people.carol,
    )
    catalog.price_list_item_set(
        price_list=vip, data={"product_id": product.pk, "price": 1_000_000}, actor=people.carol
    )
    quote = make_quote(people.alice, customer, lines=[{"product_id": product.pk, "quantity": 1}])
    line = selectors.version_lines(selectors.quote_version(quote))[0]
    assert line.unit_price == 1_100_000  # not scored yet: the list for everyone
    CustomerScore.objects.create(contact=customer, value_tier="A", segment="champions")
    quote = make_quote(people.alice, customer, lines=[{"product_id": product.pk, "quantity": 1}])
    line = selectors.version_lines(selectors.quote_version(quote))[0]
    assert line.unit_price == 1_000_000  # value tier A: the VIP list
