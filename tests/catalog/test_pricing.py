"""Price lists: validity dates, overlaps refused, segment pricing that follows analytics, and
`price_for` with configured options."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inyeon.analytics.models import CustomerScore
from inyeon.catalog import selectors, services
from inyeon.catalog.models import Option, OptionPrice, PriceList
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import AuditLog
from inyeon.customers.models import Product
from tests.catalog.factories import OptionFactory, OptionGroupFactory, PriceListFactory, PriceListItemFactory
from tests.conftest import Personas
from tests.factories import ContactFactory, ProductFactory

JAN = dt.date(2026, 1, 1)


def _list(people: Personas, **data: object) -> PriceList:
    base = {"name": "2026 정가", "currency": "KRW", "valid_from": "2026-01-01"}
    return services.price_list_create(data={**base, **data}, actor=people.carol)


def test_a_price_list_is_created_and_audited(people: Personas) -> None:
    price_list = _list(people, valid_to="2026-06-30", segment_kind="value_tier", segment="a")
    assert (price_list.segment_kind, price_list.segment, price_list.valid_to) == (
        "value_tier",
        "A",
        dt.date(2026, 6, 30),
    )
    assert AuditLog.objects.filter(
        entity="price_list", entity_id=str(price_list.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("2026-01-01", None), ("2026-06-01", "2026-12-31")),  # open-ended list covers later dates
        (("2026-01-01", "2026-06-30"), ("2026-06-30", None)),  # the end date is inclusive
        (("2026-03-01", "2026-03-31"), ("2026-01-01", None)),  # a new open list reaching over an old one
    ],
)
def test_overlapping_lists_for_the_same_currency_and_segment_are_refused(
    people: Personas, first: tuple[str, str | None], second: tuple[str, str | None]
) -> None:
    existing = _list(people, name="봄", valid_from=first[0], valid_to=first[1])
    with pytest.raises(ValidationError) as exc:
        _list(people, name="여름", valid_from=second[0], valid_to=second[1])
    message = error_dict(exc.value)["valid_from"][0]
    assert "봄" in message and existing.valid_from.isoformat() in message
    assert PriceList.objects.count() == 1


def test_lists_that_do_not_overlap_or_differ_in_currency_or_segment_are_accepted(people: Personas) -> None:
    _list(people, valid_from="2026-01-01", valid_to="2026-06-30")
    _list(people, valid_from="2026-07-01")
    _list(people, currency="USD")
    _list(people, segment_kind="value_tier", segment="A")
    _list(people, segment_kind="rfm_segment", segment="champions")
    assert PriceList.objects.count() == 5


def test_moving_a_list_onto_another_is_refused_too(people: Personas) -> None:
    _list(people, valid_from="2026-01-01", valid_to="2026-06-30")
    later = _list(people, valid_from="2026-07-01")
    with pytest.raises(ValidationError) as exc:
        services.price_list_update(price_list=later, data={"valid_from": "2026-06-01"}, actor=people.carol)
    assert "valid_from" in error_dict(exc.value)
    later.refresh_from_db()
    assert later.valid_from == dt.date(2026, 7, 1)


def test_a_price_list_names_each_bad_field(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.price_list_create(
            data={
                "name": "",
                "currency": "XYZ",
                "segment_kind": "value_tier",
                "segment": "Z",
                "valid_from": "2026-05-01",
                "valid_to": "2026-04-01",
            },
            actor=people.root,
        )
    assert set(error_dict(exc.value)) == {"name", "currency", "segment", "valid_to"}
    with pytest.raises(ValidationError) as exc:
        services.price_list_create(
            data={"name": "x", "currency": "KRW", "segment_kind": "rfm_segment", "segment": "vip"},
            actor=people.root,
        )
    assert set(error_dict(exc.value)) == {"segment", "valid_from"}
    assert "champions" in error_dict(exc.value)["segment"][0]


def test_a_stale_price_list_edit_is_refused(people: Personas) -> None:
    price_list = _list(people)
    services.price_list_update(price_list=price_list, data={"name": "새 이름"}, actor=people.carol)
    with pytest.raises(ConflictError):
        services.price_list_update(
            price_list=price_list, data={"name": "덮어쓰기"}, actor=people.root, expected_version=1
        )
    price_list.refresh_from_db()
    assert (price_list.name, price_list.version) == ("새 이름", 2)


def test_without_a_list_the_price_is_the_products_own(people: Personas) -> None:
    product = ProductFactory(unit_price=30000, currency="KRW")
    price = selectors.price_for(product=product, currency="KRW", on=JAN)
    assert (price.unit_price, price.source, price.price_list) == (30000, "list_price", None)
    with pytest.raises(ValidationError) as exc:
        selectors.price_for(product=product, currency="USD", on=JAN)
    assert "USD" in error_dict(exc.value)["currency"][0]


def test_a_list_applies_only_between_its_dates(people: Personas) -> None:
    product = ProductFactory(unit_price=30000)
    spring = PriceListItemFactory(
        product=product,
        price=27000,
        price_list=PriceListFactory(valid_from=dt.date(2026, 3, 1), valid_to=dt.date(2026, 5, 31)),
    )
    assert selectors.price_for(product=product, currency="KRW", on=dt.date(2026, 2, 28)).unit_price == 30000
    first = selectors.price_for(product=product, currency="KRW", on=dt.date(2026, 3, 1))
    assert (first.unit_price, first.source, first.price_list) == (27000, "price_list", spring.price_list)
    assert selectors.price_for(product=product, currency="KRW", on=dt.date(2026, 5, 31)).unit_price == 27000
    assert selectors.price_for(product=product, currency="KRW", on=dt.date(2026, 6, 1)).unit_price == 30000


def test_a_list_in_another_currency_prices_the_product_there(people: Personas) -> None:
    product = ProductFactory(unit_price=30000)
    PriceListItemFactory(product=product, price=2300, price_list=PriceListFactory(currency="USD"))
    price = selectors.price_for(product=product, currency="usd", on=JAN)
    assert (price.unit_price, price.currency) == (2300, "USD")


def test_a_contacts_price_follows_its_value_tier_and_rfm_segment(people: Personas) -> None:
    product = ProductFactory(unit_price=30000)
    PriceListItemFactory(product=product, price=29000, price_list=PriceListFactory())
    tier_a = PriceListItemFactory(
        product=product, price=26000, price_list=PriceListFactory(segment_kind="value_tier", segment="A")
    )
    champions = PriceListItemFactory(
        product=product,
        price=25000,
        price_list=PriceListFactory(segment_kind="rfm_segment", segment="champions"),
    )
    contact = ContactFactory(owner=people.alice)
    assert selectors.price_for(product=product, currency="KRW", contact=contact, on=JAN).unit_price == 29000
    score = CustomerScore.objects.create(contact=contact, value_tier="A", segment="loyal")
    price = selectors.price_for(product=product, currency="KRW", contact=contact, on=JAN)
    assert (price.unit_price, price.price_list) == (26000, tier_a.price_list)
    score.segment = "champions"
    score.save()
    price = selectors.price_for(product=product, currency="KRW", contact=contact, on=JAN)
    assert (price.unit_price, price.price_list) == (25000, champions.price_list)
    score.value_tier, score.segment = "C", "lost"
    score.save()
    assert selectors.price_for(product=product, currency="KRW", contact=contact, on=JAN).unit_price == 29000


def test_the_lowest_applicable_price_wins_and_a_tie_goes_to_the_more_specific_list(people: Personas) -> None:
    product = ProductFactory(unit_price=30000)
    everyone = PriceListItemFactory(product=product, price=24000, price_list=PriceListFactory())
    tier = PriceListItemFactory(
        product=product, price=24000, price_list=PriceListFactory(segment_kind="value_tier", segment="B")
    )
    contact = ContactFactory(owner=people.alice)
    CustomerScore.objects.create(contact=contact, value_tier="B")
    assert (
        selectors.price_for(product=product, currency="KRW", contact=contact, on=JAN).price_list
        == tier.price_list
    )
    tier.price = 25000
    tier.save()
    assert (
        selectors.price_for(product=product, currency="KRW", contact=contact, on=JAN).price_list
        == everyone.price_list
    )


def test_options_add_their_adjustments_in_the_currency_asked_for(people: Personas) -> None:
    product = ProductFactory(unit_price=30000, currency="KRW")
    PriceListItemFactory(product=product, price=2300, price_list=PriceListFactory(currency="USD"))
    group = OptionGroupFactory(product=product, choice="multiple")
    engraving = OptionFactory(group=group, code="ENGRAVE", price_adjustment=5000)
    OptionPrice.objects.create(option=engraving, currency="USD", amount=400)
    discount = OptionFactory(group=group, code="NO-BOX", price_adjustment=-1000)
    krw = selectors.price_for(product=product, currency="KRW", on=JAN, options=["ENGRAVE", discount.pk])
    assert (krw.base_price, krw.unit_price) == (30000, 34000)
    assert [(a.option.code, a.amount) for a in krw.adjustments] == [("ENGRAVE", 5000), ("NO-BOX", -1000)]
    usd = selectors.price_for(product=product, currency="USD", on=JAN, options=[engraving])
    assert (usd.base_price, usd.unit_price) == (2300, 2700)
    with pytest.raises(ValidationError) as exc:
        selectors.price_for(product=product, currency="USD", on=JAN, options=[discount])
    assert "options" in error_dict(exc.value)


def test_an_unknown_option_is_named(people: Personas) -> None:
    product = ProductFactory()
    other = OptionFactory()
    with pytest.raises(ValidationError) as exc:
        selectors.price_for(product=product, currency="KRW", options=[other.pk, "NOPE"])
    message = error_dict(exc.value)["options"][0]
    assert str(other.pk) in message and "NOPE" in message


def test_price_for_a_plain_product_reads_in_a_fixed_number_of_queries(
    people: Personas, django_assert_max_num_queries: object
) -> None:
    product = ProductFactory(unit_price=1000)
    for _g in range(3):
        group = OptionGroupFactory(product=product, choice="multiple")
        for _o in range(3):
            OptionFactory(group=group, price_adjustment=10)
    contact = ContactFactory(owner=people.alice)
    plain = Product.objects.get(pk=product.pk)
    codes = list(Option.objects.values_list("code", flat=True))
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        price = selectors.price_for(product=plain, currency="KRW", contact=contact, options=codes)
    assert price.unit_price == 1000 + 9 * 10
