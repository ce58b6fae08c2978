"""The catalogue pages: list, product page with the configurator, forms, images and price lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inyeon.catalog import services
from inyeon.catalog.models import Option, OptionGroup, OptionRule, PriceList, PriceListItem, ProductImage
from inyeon.customers.models import Product
from tests.catalog.factories import (
    OptionFactory,
    OptionGroupFactory,
    OptionRuleFactory,
    PriceListFactory,
    PriceListItemFactory,
)
from tests.catalog.images import image_bytes
from tests.conftest import Personas, login
from tests.factories import ContactFactory, ProductFactory


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def english(user: Any) -> Client:
    client = login(user)
    client.cookies["django_language"] = "en"
    user.language = "en"
    user.save(update_fields=["language"])
    return client


def test_the_list_searches_filters_and_pages(people: Personas, django_assert_max_num_queries: Any) -> None:
    for i in range(55):
        ProductFactory(code=f"TEA-{i:03d}", category="차")
    services.product_create(
        data={"code": "CUP-01", "name_ko": "찻잔", "category": "식기", "active": False}, actor=people.root
    )
    client = login(people.alice)
    with django_assert_max_num_queries(8):
        page = client.get("/products/")
    html = page.content.decode()
    assert page.status_code == 200 and "CUP-01" in html and "TEA-048" in html and "TEA-049" not in html
    assert "cursor=" in html
    assert "CUP-01" in client.get("/products/", {"q": "ㅊㅈ"}).content.decode()
    filtered = client.get("/products/", {"category": "식기", "active": "0"}).content.decode()
    assert "CUP-01" in filtered and "TEA-000" not in filtered
    assert "New product" not in english(people.alice).get("/products/").content.decode()
    assert 'href="/products/new/"' in login(people.carol).get("/products/").content.decode()


def test_the_nav_links_to_products(people: Personas) -> None:
    html = english(people.rita).get("/").content.decode()
    assert 'href="/products/"' in html and ">Products<" in html
    assert "제품" in login(people.dave).get("/products/").content.decode()


def test_a_manager_creates_and_edits_a_product_with_field_errors(people: Personas) -> None:
    client = english(people.carol)
    bad = client.post(
        "/products/new/", {"code": "", "name_ko": "녹차", "unit_price": "abc", "currency": "WON"}
    )
    html = bad.content.decode()
    assert (
        bad.status_code == 200
        and "Enter an amount such as 12000 or 12.50." in html
        and "This field is required." in html
    )
    assert not Product.objects.exists()
    response = client.post(
        "/products/new/",
        {
            "code": "TEA-01",
            "name_ko": "녹차",
            "name_en": "Green tea",
            "unit_price": "12,000",
            "currency": "KRW",
            "active": "on",
            "specs": "중량: 100 g",
        },
    )
    product = Product.objects.get()
    assert response.status_code == 302 and (product.unit_price, product.specs) == (
        12000,
        [{"name": "중량", "value": "100 g"}],
    )
    edit = client.get(f"/products/{product.pk}/edit/").content.decode()
    assert "중량: 100 g" in edit and 'value="12000"' in edit
    client.post(
        f"/products/{product.pk}/edit/",
        {"code": "TEA-01", "name_ko": "녹차", "unit_price": "13.50", "currency": "USD", "version": "1"},
    )
    product.refresh_from_db()
    assert (product.unit_price, product.currency, product.active, product.version) == (1350, "USD", False, 2)
    stale = client.post(
        f"/products/{product.pk}/edit/",
        {"code": "TEA-01", "name_ko": "홍차", "currency": "USD", "version": "1"},
    )
    assert "Someone else changed this" in stale.content.decode()
    assert Product.objects.get().name_ko == "녹차"


def test_reps_may_not_open_the_edit_pages(people: Personas) -> None:
    product = ProductFactory()
    price_list = PriceListFactory()
    client = login(people.alice)
    for url in (
        "/products/new/",
        f"/products/{product.pk}/edit/",
        f"/products/{product.pk}/options/",
        "/price-lists/new/",
        f"/price-lists/{price_list.pk}/edit/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/price-lists/{price_list.pk}/delete/").status_code == 403
    assert (
        client.post(
            f"/price-lists/{price_list.pk}/", {"product_code": product.code, "price": "1"}
        ).status_code
        == 403
    )
    assert PriceList.objects.exists() and not PriceListItem.objects.exists()


def test_pages_need_a_signed_in_user(people: Personas) -> None:
    product = ProductFactory()
    for url in ("/products/", f"/products/{product.pk}/", "/price-lists/"):
        assert Client().get(url).status_code == 302
    assert login(people.alice).get("/products/999999/").status_code == 404


def test_images_are_uploaded_shown_and_served_only_to_signed_in_users(people: Personas, media: Path) -> None:
    product = ProductFactory()
    client = english(people.carol)
    upload = SimpleUploadedFile("front.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(f"/products/{product.pk}/images/", {"file": upload, "alt": "Front"})
    assert response.status_code == 302
    image = ProductImage.objects.get()
    page = login(people.oscar).get(f"/products/{product.pk}/").content.decode()
    assert f'src="/products/images/{image.pk}/"' in page and 'alt="Front"' in page
    served = login(people.oscar).get(f"/products/images/{image.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert Client().get(f"/products/images/{image.pk}/").status_code == 302
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    followed = client.post(f"/products/{product.pk}/images/", {"file": bad}, follow=True).content.decode()
    assert "not an image of an accepted type" in followed
    assert login(people.alice).post(f"/products/images/{image.pk}/delete/").status_code == 403
    client.post(f"/products/images/{image.pk}/delete/")
    assert not ProductImage.objects.exists()


@pytest.fixture
def configured(people: Personas) -> Product:
    product = ProductFactory(code="NB-1", name_ko="노트북", name_en="Laptop", unit_price=1_000_000)
    colour = OptionGroupFactory(product=product, name_en="Colour", required=True)
    extras = OptionGroupFactory(product=product, name_en="Extras", choice="multiple")
    OptionFactory(group=colour, code="SILVER", name_en="Silver")
    gpu = OptionFactory(group=extras, code="GPU", name_en="GPU", price_adjustment=300_000)
    ram = OptionFactory(group=extras, code="RAM", name_en="More memory", price_adjustment=100_000)
    OptionRuleFactory(option=gpu, kind="requires", target=ram)
    return product


def test_the_configurator_shows_the_broken_rule_without_javascript(
    people: Personas, configured: Product, django_assert_max_num_queries: Any
) -> None:
    gpu = Option.objects.get(code="GPU")
    client = english(people.alice)
    with django_assert_max_num_queries(10):
        response = client.get(f"/products/{configured.pk}/", {"configure": "1", "option": [gpu.pk]})
    html = response.content.decode()
    assert "Choose one option in group Colour." in html and "Option GPU requires option More memory." in html


def test_the_configurator_prices_a_valid_configuration_for_a_contact(
    people: Personas, configured: Product
) -> None:
    from inyeon.analytics.models import CustomerScore

    contact = ContactFactory(owner=people.alice)
    CustomerScore.objects.create(contact=contact, value_tier="A")
    PriceListItemFactory(
        product=configured,
        price=900_000,
        price_list=PriceListFactory(name="VIP", segment_kind="value_tier", segment="A"),
    )
    silver, gpu, ram = (Option.objects.get(code=c) for c in ("SILVER", "GPU", "RAM"))
    group = OptionGroup.objects.get(name_en="Colour")
    params = {
        "configure": "1",
        f"group_{group.pk}": silver.pk,
        "option": [gpu.pk, ram.pk],
        "contact": contact.pk,
        "on": "2026-03-01",
    }
    html = english(people.alice).get(f"/products/{configured.pk}/", params).content.decode()
    assert "₩1,300,000" in html and "VIP" in html and "₩900,000" in html
    others = english(people.bob).get(f"/products/{configured.pk}/", params).content.decode()
    assert "No such record, or you may not see it." in others and "₩1,300,000" not in others


def test_a_manager_declares_options_and_rules_on_the_options_page(people: Personas) -> None:
    product = ProductFactory(unit_price=50000)
    client = english(people.carol)
    url = f"/products/{product.pk}/options/"
    client.post(
        url, {"which": "group", "group-name_ko": "색상", "group-choice": "single", "group-required": "on"}
    )
    group = OptionGroup.objects.get()
    for code in ("RED", "BLUE"):
        client.post(
            url,
            {
                "which": "option",
                "option-group_id": group.pk,
                "option-code": code,
                "option-name_ko": code,
                "option-price_adjustment": "-1,000",
            },
        )
    assert list(Option.objects.values_list("code", "price_adjustment")) == [("RED", -1000), ("BLUE", -1000)]
    red, blue = Option.objects.order_by("pk")
    refused = client.post(
        url, {"which": "rule", "rule-option": red.pk, "rule-kind": "requires", "rule-target": blue.pk}
    )
    assert "could never be met" in refused.content.decode() and not OptionRule.objects.exists()
    client.post(
        url, {"which": "rule", "rule-option": red.pk, "rule-kind": "excludes", "rule-target": blue.pk}
    )
    assert OptionRule.objects.get().kind == "excludes"
    client.post(f"/products/{product.pk}/options/option/{blue.pk}/delete/")
    assert not OptionRule.objects.exists() and Option.objects.count() == 1


def test_price_list_pages_create_refuse_an_overlap_and_set_prices(people: Personas) -> None:
    product = ProductFactory(code="TEA-01", unit_price=10000)
    client = english(people.carol)
    data = {"name": "2026", "currency": "KRW", "segment_kind": "everyone", "valid_from": "2026-01-01"}
    assert client.post("/price-lists/new/", data).status_code == 302
    price_list = PriceList.objects.get()
    overlap = client.post("/price-lists/new/", {**data, "name": "Spring", "valid_from": "2026-03-01"})
    assert "The dates overlap price list “2026”" in overlap.content.decode()
    client.post(f"/price-lists/{price_list.pk}/", {"product_code": "TEA-01", "price": "9,000"})
    assert PriceListItem.objects.get().price == 9000
    missing = client.post(
        f"/price-lists/{price_list.pk}/", {"product_code": "NOPE", "price": "1"}
    ).content.decode()
    assert "No product with this code." in missing
    html = login(people.alice).get(f"/price-lists/{price_list.pk}/").content.decode()
    assert "TEA-01" in html and "₩9,000" in html
    listed = login(people.alice).get("/price-lists/", {"valid_on": "2026-05-01"}).content.decode()
    assert "2026" in listed
    product_page = login(people.alice).get(f"/products/{product.pk}/").content.decode()
    assert f'href="/price-lists/{price_list.pk}/"' in product_page
    edit = client.post(
        f"/price-lists/{price_list.pk}/edit/", {**data, "valid_to": "2025-12-01", "version": "1"}
    )
    assert "The end date must not be before the start date." in edit.content.decode()
    client.post(f"/price-lists/{price_list.pk}/delete/")
    assert not PriceList.objects.exists()
