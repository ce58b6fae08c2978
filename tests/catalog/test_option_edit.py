"""Editing option groups and options (issue 5 gap): services with validation, audit and the
rule guards, the PATCH endpoints and the edit forms on the "Options and rules" page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from inyeon.catalog import selectors, services
from inyeon.catalog.models import Option, OptionGroup, OptionPrice
from inyeon.core.errors import error_dict
from inyeon.core.models import AuditLog
from inyeon.customers.models import Product
from tests.api.helpers import PROBLEM, body, error_fields, patch
from tests.catalog.factories import (
    OptionFactory,
    OptionGroupFactory,
    OptionRuleFactory,
    PriceListFactory,
    PriceListItemFactory,
)
from tests.conftest import Personas, api_client, login
from tests.factories import ProductFactory

JAN = dt.date(2026, 1, 15)


def english(user: object) -> Client:
    client = login(user)  # type: ignore[arg-type]
    client.cookies["django_language"] = "en"
    user.language = "en"  # type: ignore[attr-defined]
    user.save(update_fields=["language"])  # type: ignore[attr-defined]
    return client


@pytest.fixture
def laptop(db: None) -> Product:
    product = ProductFactory(code="NB-9", unit_price=1_000_000, currency="KRW")
    PriceListItemFactory(product=product, price=800, price_list=PriceListFactory(currency="USD"))
    colour = OptionGroupFactory(product=product, name_ko="색상", name_en="Colour", choice="single")
    extras = OptionGroupFactory(product=product, name_ko="추가", name_en="Extras", choice="multiple")
    OptionFactory(group=colour, code="SILVER", price_adjustment=0)
    OptionFactory(group=extras, code="GPU", price_adjustment=300_000)
    OptionFactory(group=extras, code="RAM32", price_adjustment=100_000)
    return product


def _option(product: Product, code: str) -> Option:
    return Option.objects.get(product=product, code=code)


def test_a_manager_edits_a_group_and_the_change_is_audited(laptop: Product, people: Personas) -> None:
    group = OptionGroup.objects.get(product=laptop, name_en="Colour")
    services.option_group_update(
        group=group,
        data={"name_ko": "외관 색상", "name_en": None, "required": True, "position": 5, "choice": "multiple"},
        actor=people.carol,
    )
    group.refresh_from_db()
    assert (group.name_ko, group.name_en, group.required, group.position, group.choice) == (
        "외관 색상",
        "Colour",
        True,
        5,
        "multiple",
    )
    row = AuditLog.objects.get(entity="option_group", action="update", entity_id=str(group.pk))
    assert row.changes == {
        "name_ko": ["색상", "외관 색상"],
        "required": [False, True],
        "position": [0, 5],
        "choice": ["single", "multiple"],
    }
    services.option_group_update(group=group, data={"name_ko": "외관 색상"}, actor=people.root)
    assert AuditLog.objects.filter(entity="option_group", action="update").count() == 1


def test_only_admins_and_managers_edit_groups_and_options(laptop: Product, people: Personas) -> None:
    group = OptionGroup.objects.get(product=laptop, name_en="Colour")
    for user in (people.alice, people.dave, people.erin, people.rita):
        with pytest.raises(PermissionDenied):
            services.option_group_update(group=group, data={"name_ko": "x"}, actor=user)
        with pytest.raises(PermissionDenied):
            services.option_update(option=_option(laptop, "GPU"), data={"price_adjustment": 1}, actor=user)
    group.refresh_from_db()
    assert group.name_ko == "색상" and _option(laptop, "GPU").price_adjustment == 300_000


def test_bad_group_and_option_fields_are_named_and_nothing_is_written(
    laptop: Product, people: Personas
) -> None:
    group = OptionGroup.objects.get(product=laptop, name_en="Colour")
    with pytest.raises(ValidationError) as exc:
        services.option_group_update(
            group=group,
            data={"name_ko": "  ", "choice": "some", "position": -1, "required": "maybe"},
            actor=people.carol,
        )
    assert set(error_dict(exc.value)) == {"name_ko", "choice", "position", "required"}
    gpu = _option(laptop, "GPU")
    with pytest.raises(ValidationError) as exc:
        services.option_update(
            option=gpu,
            data={
                "code": "RAM32",
                "name_ko": "",
                "name_en": "x" * 101,
                "price_adjustment": "lots",
                "prices": [{"currency": "KRW", "amount": 1}, {"currency": "XX", "amount": 2}],
            },
            actor=people.carol,
        )
    assert set(error_dict(exc.value)) == {
        "code",
        "name_ko",
        "name_en",
        "price_adjustment",
        "prices[0].currency",
        "prices[1].currency",
    }
    gpu.refresh_from_db()
    assert (gpu.code, gpu.price_adjustment) == ("GPU", 300_000)
    assert not AuditLog.objects.filter(action="update").exists()


def test_single_choice_is_refused_while_a_requires_rule_links_two_options_of_the_group(
    laptop: Product, people: Personas
) -> None:
    extras = OptionGroup.objects.get(product=laptop, name_en="Extras")
    OptionRuleFactory(
        product=laptop, option=_option(laptop, "GPU"), kind="requires", target=_option(laptop, "RAM32")
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.option_group_update(group=extras, data={"choice": "single"}, actor=people.carol)
    assert "could never be met" in error_dict(exc.value)["choice"][0]
    extras.refresh_from_db()
    assert extras.choice == "multiple"
    # An "excludes" rule inside the group does not stand in the way.
    colour = OptionGroup.objects.get(product=laptop, name_en="Colour")
    services.option_group_update(group=colour, data={"choice": "multiple"}, actor=people.carol)
    services.option_group_update(group=colour, data={"choice": "single"}, actor=people.carol)
    colour.refresh_from_db()
    assert colour.choice == "single"


def test_the_code_of_an_option_a_rule_names_cannot_change(laptop: Product, people: Personas) -> None:
    gpu, ram = _option(laptop, "GPU"), _option(laptop, "RAM32")
    rule = OptionRuleFactory(product=laptop, option=gpu, kind="requires", target=ram)
    for option in (gpu, ram):
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            services.option_update(option=option, data={"code": "NEW"}, actor=people.carol)
        assert "remove the rule" in error_dict(exc.value)["code"][0]
    # Other fields of a ruled option still change; the code changes once the rule is gone.
    services.option_update(option=gpu, data={"code": "GPU", "name_en": "Graphics"}, actor=people.carol)
    rule.delete()
    services.option_update(option=gpu, data={"code": "GPU-X"}, actor=people.carol)
    gpu.refresh_from_db()
    assert (gpu.code, gpu.name_en) == ("GPU-X", "Graphics")


def test_a_configuration_is_priced_with_the_edited_adjustments(laptop: Product, people: Personas) -> None:
    gpu = _option(laptop, "GPU")
    OptionPrice.objects.create(option=gpu, currency="EUR", amount=100)
    services.option_update(
        option=gpu,
        data={"price_adjustment": 250_000, "prices": [{"currency": "USD", "amount": 190}]},
        actor=people.carol,
    )
    krw = services.configuration_price(product=laptop, options=["GPU"], currency="KRW", on=JAN)
    assert krw.unit_price == 1_250_000
    usd = selectors.price_for(product=laptop, currency="USD", on=JAN, options=["GPU"])
    assert (usd.base_price, usd.unit_price) == (800, 990)
    assert dict(OptionPrice.objects.filter(option=gpu).values_list("currency", "amount")) == {"USD": 190}
    row = AuditLog.objects.get(entity="option", action="update", entity_id=str(gpu.pk))
    assert row.changes == {"price_adjustment": [300_000, 250_000], "prices": [{"EUR": 100}, {"USD": 190}]}
    services.option_update(option=gpu, data={"prices": []}, actor=people.carol)
    assert not OptionPrice.objects.filter(option=gpu).exists()


def test_patch_endpoints_edit_groups_and_options(laptop: Product, people: Personas) -> None:
    client = api_client(people.carol)
    base = f"/api/v1/products/{laptop.pk}"
    extras = OptionGroup.objects.get(product=laptop, name_en="Extras")
    gpu = _option(laptop, "GPU")
    changed = patch(client, f"{base}/option-groups/{extras.pk}", {"name_en": "Add-ons", "required": True})
    assert changed.status_code == 200
    assert (body(changed)["name_en"], body(changed)["required"], body(changed)["name_ko"]) == (
        "Add-ons",
        True,
        "추가",
    )
    assert [o["code"] for o in body(changed)["options"]] == ["GPU", "RAM32"]
    edited = patch(
        client,
        f"{base}/options/{gpu.pk}",
        {"price_adjustment": -5000, "prices": [{"currency": "USD", "amount": -4}], "name_en": "GPU"},
    )
    assert edited.status_code == 200
    assert (body(edited)["price_adjustment"], body(edited)["prices"]) == (-5000, {"USD": -4})
    configured = body(client.post(f"{base}/configure", {"options": ["GPU"]}, content_type="application/json"))
    assert configured["unit_price"] == 995_000
    bad = patch(client, f"{base}/options/{gpu.pk}", {"code": "RAM32", "price_adjustment": 1})
    assert bad.status_code == 422 and error_fields(bad) == {"code"}
    bad_group = patch(client, f"{base}/option-groups/{extras.pk}", {"choice": "several"})
    assert bad_group["Content-Type"] == PROBLEM and error_fields(bad_group) == {"choice"}
    gpu.refresh_from_db()
    assert gpu.price_adjustment == -5000


def test_patch_endpoints_refuse_non_editors_and_other_products_ids(laptop: Product, people: Personas) -> None:
    base = f"/api/v1/products/{laptop.pk}"
    gpu = _option(laptop, "GPU")
    extras = OptionGroup.objects.get(product=laptop, name_en="Extras")
    rep = api_client(people.alice)
    assert patch(rep, f"{base}/options/{gpu.pk}", {"price_adjustment": 1}).status_code == 403
    assert patch(rep, f"{base}/option-groups/{extras.pk}", {"name_ko": "x"}).status_code == 403
    other = OptionFactory(code="OTHER")
    manager = api_client(people.carol)
    assert patch(manager, f"{base}/options/{other.pk}", {"price_adjustment": 1}).status_code == 404
    assert patch(manager, f"{base}/option-groups/{other.group_id}", {"name_ko": "x"}).status_code == 404
    assert patch(manager, f"/api/v1/products/999999/options/{gpu.pk}", {"name_ko": "x"}).status_code == 404
    other.refresh_from_db()
    gpu.refresh_from_db()
    assert other.price_adjustment != 1 and gpu.price_adjustment == 300_000


def test_the_options_page_edits_a_group_and_an_option_in_place(laptop: Product, people: Personas) -> None:
    client = english(people.carol)
    url = f"/products/{laptop.pk}/options/"
    gpu = _option(laptop, "GPU")
    OptionPrice.objects.create(option=gpu, currency="USD", amount=250)
    form = client.get(url, {"edit": f"option-{gpu.pk}"}).content.decode()
    assert "Edit the option" in form and 'value="300000"' in form and "USD 2.5<" in form
    saved = client.post(
        url,
        {
            "which": "edit",
            "item": f"option-{gpu.pk}",
            "edit-code": "GPU",
            "edit-name_ko": "그래픽",
            "edit-name_en": "Graphics",
            "edit-price_adjustment": "-12,000",
            "edit-prices": "usd 3.10\n\nEUR 2",
            "edit-position": "3",
        },
    )
    assert saved.status_code == 302
    gpu.refresh_from_db()
    assert (gpu.name_ko, gpu.price_adjustment, gpu.position) == ("그래픽", -12000, 3)
    assert dict(gpu.prices.values_list("currency", "amount")) == {"USD": 310, "EUR": 200}
    priced = client.get(f"/products/{laptop.pk}/", {"configure": "1", "option": [gpu.pk]}).content.decode()
    assert "₩988,000" in priced
    edit = {"which": "edit", "item": f"option-{gpu.pk}", "edit-code": "GPU", "edit-name_ko": "x"}
    taken = client.post(url, {**edit, "edit-code": "RAM32"}).content.decode()
    assert "This product already has an option with this code." in taken
    bad_line = client.post(url, {**edit, "edit-prices": "USD"}).content.decode()
    assert "Line 1: write the currency code, a space, then the amount." in bad_line
    bad_amount = client.post(url, {**edit, "edit-price_adjustment": "cheap"}).content.decode()
    assert "Enter an amount such as 12000 or 12.50." in bad_amount
    gpu.refresh_from_db()
    assert (gpu.code, gpu.name_ko, gpu.price_adjustment) == ("GPU", "그래픽", -12000)
    extras = OptionGroup.objects.get(product=laptop, name_en="Extras")
    client.post(
        url,
        {
            "which": "edit",
            "item": f"group-{extras.pk}",
            "edit-name_ko": "추가 구성",
            "edit-name_en": "Add-ons",
            "edit-choice": "multiple",
            "edit-required": "on",
        },
    )
    extras.refresh_from_db()
    assert (extras.name_ko, extras.name_en, extras.required) == ("추가 구성", "Add-ons", True)
    OptionRuleFactory(product=laptop, option=gpu, kind="requires", target=_option(laptop, "RAM32"))
    refused_group = client.post(
        url,
        {"which": "edit", "item": f"group-{extras.pk}", "edit-name_ko": "추가", "edit-choice": "single"},
    ).content.decode()
    assert "could never be met" in refused_group
    extras.refresh_from_db()
    assert (extras.choice, extras.name_ko) == ("multiple", "추가 구성")


def test_the_options_page_edit_refuses_non_editors_and_other_products_items(
    laptop: Product, people: Personas
) -> None:
    url = f"/products/{laptop.pk}/options/"
    gpu = _option(laptop, "GPU")
    post = {"which": "edit", "item": f"option-{gpu.pk}", "edit-code": "GPU", "edit-name_ko": "x"}
    assert login(people.alice).post(url, post).status_code == 403
    other = OptionFactory(code="ELSE")
    manager = login(people.carol)
    assert manager.get(url, {"edit": f"option-{other.pk}"}).status_code == 404
    assert manager.post(url, {**post, "item": f"group-{other.group_id}"}).status_code == 404
    gpu.refresh_from_db()
    assert gpu.name_ko != "x"
