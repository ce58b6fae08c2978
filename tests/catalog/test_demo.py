"""The demo data carries a catalogue worth looking at: options with rules and two price lists."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from inyeon.catalog import selectors
from inyeon.catalog.models import OptionRule, PriceList
from inyeon.customers.models import Product


@pytest.mark.django_db
def test_the_demo_has_option_groups_rules_and_two_price_lists() -> None:
    call_command("demo", "--contacts", "60", "--accounts", "5", "--seed", "3", "--quiet", "--no-scoring")
    assert PriceList.objects.count() == 2
    assert {p.segment_kind for p in PriceList.objects.all()} == {"everyone", "value_tier"}
    assert (
        OptionRule.objects.filter(kind="requires").exists()
        and OptionRule.objects.filter(kind="excludes").exists()
    )
    vacuum = Product.objects.get(code="HM-002")
    assert vacuum.specs and vacuum.search_name == "무선청소기" and vacuum.name_initials == "ㅁㅅㅊㅅㄱ"
    with pytest.raises(selectors.ConfigurationError):
        selectors.price_for(product=vacuum, currency="KRW", options=["BAT-STD", "STATION"])
    price = selectors.price_for(product=vacuum, currency="KRW", options=["BAT-XL", "STATION"])
    assert price.source == "price_list" and price.unit_price == price.base_price + 49000 + 129000
    call_command(
        "demo", "--contacts", "60", "--accounts", "5", "--seed", "3", "--quiet", "--no-scoring", "--reset"
    )
    assert PriceList.objects.count() == 2
