"""Factories for the catalogue's price lists and configurator."""

from __future__ import annotations

import datetime as dt

import factory

from inyeon.catalog.models import Option, OptionGroup, OptionRule, PriceList, PriceListItem
from tests.factories import ProductFactory


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"Price list {n}")
    currency = "KRW"
    segment_kind = "everyone"
    segment = ""
    valid_from = dt.date(2026, 1, 1)
    valid_to = None


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory(ProductFactory)
    price = 9000


class OptionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionGroup

    product = factory.SubFactory(ProductFactory)
    name_ko = factory.Sequence(lambda n: f"그룹 {n}")
    name_en = factory.Sequence(lambda n: f"Group {n}")
    choice = "single"
    required = False


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    group = factory.SubFactory(OptionGroupFactory)
    product = factory.LazyAttribute(lambda o: o.group.product)
    code = factory.Sequence(lambda n: f"OPT{n}")
    name_ko = factory.Sequence(lambda n: f"옵션 {n}")
    name_en = factory.Sequence(lambda n: f"Option {n}")
    price_adjustment = 0


class OptionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionRule

    option = factory.SubFactory(OptionFactory)
    product = factory.LazyAttribute(lambda o: o.option.product)
    kind = "requires"
    target = factory.SubFactory(OptionFactory)
