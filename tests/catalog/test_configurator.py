"""The configurator: options and groups declared as data; an invalid configuration is refused
naming the broken rule, a valid one is priced."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from inyeon.catalog import selectors, services
from inyeon.catalog.models import Option, OptionRule
from inyeon.core.errors import error_dict
from inyeon.core.models import AuditLog
from inyeon.customers.models import Product
from tests.catalog.factories import OptionFactory
from tests.conftest import Personas
from tests.factories import ProductFactory


@pytest.fixture
def laptop(people: Personas) -> Product:
    """A laptop: colour (choose one, required), memory (choose one), extras (any)."""
    product = ProductFactory(code="NB-1", name_ko="노트북", unit_price=1_500_000)
    carol = people.carol
    colour = services.option_group_create(
        product=product, data={"name_ko": "색상", "name_en": "Colour", "required": True}, actor=carol
    )
    memory = services.option_group_create(
        product=product, data={"name_ko": "메모리", "name_en": "Memory"}, actor=carol
    )
    extras = services.option_group_create(
        product=product, data={"name_ko": "추가", "name_en": "Extras", "choice": "multiple"}, actor=carol
    )
    for group, code, ko, en, adj in (
        (colour, "SILVER", "실버", "Silver", 0),
        (colour, "BLACK", "블랙", "Black", 30000),
        (memory, "RAM16", "16GB", "16GB", 0),
        (memory, "RAM32", "32GB", "32GB", 200_000),
        (extras, "GPU", "그래픽카드", "Graphics card", 400_000),
        (extras, "BIGBAT", "대용량 배터리", "Large battery", 90000),
        (extras, "SLIM", "슬림 섀시", "Slim chassis", 50000),
    ):
        services.option_create(
            product=product,
            data={"group_id": group.pk, "code": code, "name_ko": ko, "name_en": en, "price_adjustment": adj},
            actor=carol,
        )
    services.option_rule_create(
        product=product, data={"option": "GPU", "kind": "requires", "target": "RAM32"}, actor=carol
    )
    services.option_rule_create(
        product=product, data={"option": "SLIM", "kind": "excludes", "target": "BIGBAT"}, actor=carol
    )
    return product


def _messages(product: Product, options: list[str]) -> list[str]:
    with pytest.raises(selectors.ConfigurationError) as exc:
        services.configuration_validate(product=product, options=options)
    return [b.message for b in exc.value.broken]


def test_a_valid_configuration_is_priced_base_plus_adjustments(laptop: Product) -> None:
    price = services.configuration_price(product=laptop, options=["BLACK", "RAM32", "GPU", "BIGBAT"])
    assert price.unit_price == 1_500_000 + 30000 + 200_000 + 400_000 + 90000
    assert price.base_price == 1_500_000


def test_requires_names_both_options(laptop: Product) -> None:
    with translation.override("en"):
        assert _messages(laptop, ["SILVER", "RAM16", "GPU"]) == ["Option Graphics card requires option 32GB."]


def test_excludes_names_both_options(laptop: Product) -> None:
    with translation.override("en"):
        assert _messages(laptop, ["SILVER", "SLIM", "BIGBAT"]) == [
            "Option Slim chassis excludes option Large battery."
        ]


def test_a_required_group_must_have_a_choice_and_a_single_one_only_one(laptop: Product) -> None:
    with translation.override("en"):
        assert _messages(laptop, ["RAM16"]) == ["Choose one option in group Colour."]
        assert _messages(laptop, ["SILVER", "BLACK"]) == ["Choose only one option in group Colour."]


def test_the_rule_is_named_in_korean_for_korean_users(laptop: Product) -> None:
    with translation.override("ko"):
        messages = _messages(laptop, ["GPU", "SLIM", "BIGBAT"])
    assert len(messages) == 3
    assert "색상" in messages[0] and "그래픽카드" in messages[1] and "32GB" in messages[1]
    assert "슬림 섀시" in messages[2] and "대용량 배터리" in messages[2]


def test_every_broken_rule_is_named_at_once_and_is_a_field_error(laptop: Product) -> None:
    with pytest.raises(ValidationError) as exc:
        services.configuration_price(product=laptop, options=["RAM16", "GPU", "SLIM", "BIGBAT"])
    assert len(error_dict(exc.value)["options"]) == 3


def test_option_rules_are_checked_when_declared(laptop: Product, people: Personas) -> None:
    def refused(data: dict[str, object]) -> set[str]:
        with pytest.raises(ValidationError) as exc:
            services.option_rule_create(product=laptop, data=data, actor=people.carol)
        return set(error_dict(exc.value))

    assert refused({"option": "GPU", "kind": "needs", "target": "RAM32"}) == {"kind"}
    assert refused({"option": "GPU", "kind": "requires", "target": "GPU"}) == {"target"}
    assert refused({"option": "GPU", "kind": "requires", "target": "RAM32"}) == {"target"}  # exists already
    assert refused({"option": "SILVER", "kind": "requires", "target": "BLACK"}) == {"target"}  # never met
    elsewhere = OptionFactory(code="ELSEWHERE")
    assert refused({"option": "GPU", "kind": "excludes", "target": elsewhere.pk}) == {"target"}
    assert OptionRule.objects.filter(product=laptop).count() == 2


def test_option_codes_are_unique_per_product_and_groups_belong_to_the_product(
    laptop: Product, people: Personas
) -> None:
    other_group = services.option_group_create(
        product=ProductFactory(), data={"name_ko": "기타"}, actor=people.root
    )
    with pytest.raises(ValidationError) as exc:
        services.option_create(
            product=laptop,
            data={
                "group_id": other_group.pk,
                "code": "GPU",
                "name_ko": "",
                "prices": [{"currency": "XX", "amount": 1}],
            },
            actor=people.root,
        )
    assert set(error_dict(exc.value)) == {"group_id", "code", "name_ko", "prices[0].currency"}


def test_deleting_an_option_takes_its_rules_with_it(laptop: Product, people: Personas) -> None:
    services.option_delete(option=Option.objects.get(product=laptop, code="RAM32"), actor=people.carol)
    assert list(OptionRule.objects.filter(product=laptop).values_list("kind", flat=True)) == ["excludes"]
    assert AuditLog.objects.filter(entity="option", action="delete").exists()
    price = services.configuration_price(product=laptop, options=["SILVER", "GPU"])
    assert price.unit_price == 1_900_000


def test_configurator_writes_are_audited(laptop: Product) -> None:
    entities = set(AuditLog.objects.values_list("entity", "action"))
    assert {("option_group", "create"), ("option", "create"), ("option_rule", "create")} <= entities
