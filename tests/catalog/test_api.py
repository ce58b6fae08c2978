"""/api/v1/products (extended), its images and options, /configure and /api/v1/price-lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inyeon.analytics.models import CustomerScore
from inyeon.catalog.models import PriceList, PriceListItem, ProductImage
from inyeon.core.models import AuditLog
from inyeon.customers.models import Product
from tests.api.helpers import PROBLEM, body, error_fields, patch, post, walk
from tests.catalog.factories import (
    OptionFactory,
    OptionGroupFactory,
    OptionRuleFactory,
    PriceListFactory,
    PriceListItemFactory,
)
from tests.catalog.images import image_bytes
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory, ProductFactory


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def put(client: Any, url: str, data: Any) -> Any:
    import json

    return client.put(url, data=json.dumps(data), content_type="application/json")


def test_a_manager_creates_a_product_with_specs_and_reads_it_back(people: Personas) -> None:
    client = api_client(people.carol)
    response = post(
        client,
        "/api/v1/products",
        {
            "code": "TEA-01",
            "name_ko": "녹차",
            "description_en": "First flush",
            "specs": [{"name": "중량", "value": "100 g"}],
            "unit_price": 12000,
        },
    )
    assert response.status_code == 201, response.content
    data = body(response)
    assert response["ETag"] == '"1"'
    assert data["specs"] == [{"name": "중량", "value": "100 g"}]
    assert (data["images"], data["option_groups"], data["option_rules"]) == ([], [], [])
    assert body(client.get(f"/api/v1/products/{data['id']}"))["description_en"] == "First flush"


def test_a_rep_reads_but_may_not_create_or_change_products(people: Personas) -> None:
    product = ProductFactory()
    client = api_client(people.alice)
    assert client.get(f"/api/v1/products/{product.pk}").status_code == 200
    response = post(client, "/api/v1/products", {"code": "X", "name_ko": "엑스"})
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert patch(client, f"/api/v1/products/{product.pk}", {"name_ko": "바꿈"}).status_code == 403
    assert (
        post(
            client, "/api/v1/price-lists", {"name": "x", "currency": "KRW", "valid_from": "2026-01-01"}
        ).status_code
        == 403
    )
    assert Product.objects.get().name_ko == product.name_ko and not PriceList.objects.exists()


def test_a_product_patch_uses_if_match_or_version(people: Personas) -> None:
    product = ProductFactory(unit_price=1000)
    client = api_client(people.root)
    url = f"/api/v1/products/{product.pk}"
    response = patch(client, url, {"unit_price": 1200}, **{"If-Match": '"1"'})
    assert response.status_code == 200 and body(response)["unit_price"] == 1200 and response["ETag"] == '"2"'
    stale = patch(client, url, {"unit_price": 1300}, **{"If-Match": '"1"'})
    assert stale.status_code == 412 and stale["Content-Type"] == PROBLEM
    conflict = patch(client, url, {"unit_price": 1300, "version": 1})
    assert conflict.status_code == 409 and body(conflict)["current_version"] == 2
    nulls = patch(client, url, {"unit_price": None, "currency": None, "name_en": "Tea"})
    assert (body(nulls)["unit_price"], body(nulls)["currency"], body(nulls)["name_en"]) == (
        1200,
        "KRW",
        "Tea",
    )
    bad = patch(client, url, {"unit_price": -1, "currency": "nope"})
    assert error_fields(bad) == {"unit_price", "currency"}
    assert Product.objects.get().unit_price == 1200


def test_the_list_filters_and_pages_with_a_cursor(
    people: Personas, django_assert_max_num_queries: Any
) -> None:
    for i in range(7):
        ProductFactory(code=f"TEA-{i:02d}", category="차", active=i % 2 == 0)
    ProductFactory(code="CUP-01", category="식기")
    client = api_client(people.oscar)
    assert len(walk(client, "/api/v1/products", limit=3)) == 8
    with django_assert_max_num_queries(4):
        page = body(client.get("/api/v1/products", {"q": "tea", "active": "true", "limit": 50}))
    assert [p["code"] for p in page["items"]] == ["TEA-00", "TEA-02", "TEA-04", "TEA-06"]
    retired = body(client.get("/api/v1/products", {"active": "false", "category": "차"}))["items"]
    assert [p["code"] for p in retired] == ["TEA-01", "TEA-03", "TEA-05"]
    assert client.get("/api/v1/products/999999").status_code == 404


def test_images_are_uploaded_served_to_signed_in_users_and_checked(people: Personas) -> None:
    product = ProductFactory()
    client = api_client(people.carol)
    upload = SimpleUploadedFile("photo.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(f"/api/v1/products/{product.pk}/images", {"file": upload, "alt": "정면"})
    assert response.status_code == 201, response.content
    image = body(response)
    fetched = api_client(people.oscar).get(image["url"])
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/png"
    assert b"".join(fetched.streaming_content) == image_bytes("PNG")
    assert fetched["X-Content-Type-Options"] == "nosniff"
    from django.test import Client

    assert Client().get(image["url"]).status_code == 401
    assert body(client.get(f"/api/v1/products/{product.pk}"))["images"][0]["alt"] == "정면"
    other = ProductFactory()
    assert client.get(f"/api/v1/products/{other.pk}/images/{image['id']}").status_code == 404
    fake = SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", content_type="image/png")
    assert error_fields(client.post(f"/api/v1/products/{product.pk}/images", {"file": fake})) == {"file"}
    rep = api_client(people.alice)
    assert rep.delete(f"/api/v1/products/{product.pk}/images/{image['id']}").status_code == 403
    assert client.delete(f"/api/v1/products/{product.pk}/images/{image['id']}").status_code == 204
    assert not ProductImage.objects.exists()


def test_options_are_declared_through_the_api(people: Personas) -> None:
    product = ProductFactory(unit_price=100000)
    client = api_client(people.carol)
    base = f"/api/v1/products/{product.pk}"
    group = body(
        post(client, f"{base}/option-groups", {"name_ko": "색상", "name_en": "Colour", "required": True})
    )
    extras = body(post(client, f"{base}/option-groups", {"name_ko": "추가", "choice": "multiple"}))
    red = post(
        client,
        f"{base}/options",
        {"group_id": group["id"], "code": "RED", "name_ko": "빨강", "price_adjustment": 5000},
    )
    assert red.status_code == 201
    post(client, f"{base}/options", {"group_id": group["id"], "code": "BLUE", "name_ko": "파랑"})
    case = post(
        client,
        f"{base}/options",
        {
            "group_id": extras["id"],
            "code": "CASE",
            "name_ko": "케이스",
            "price_adjustment": 9000,
            "prices": [{"currency": "USD", "amount": 700}],
        },
    )
    assert body(case)["prices"] == {"USD": 700}
    rule = post(client, f"{base}/option-rules", {"option": "CASE", "kind": "requires", "target": "BLUE"})
    assert rule.status_code == 201 and body(rule)["target_code"] == "BLUE"
    assert error_fields(
        post(client, f"{base}/option-rules", {"option": "CASE", "kind": "bans", "target": "ZZZ"})
    ) == {"kind", "target"}
    options = body(client.get(f"{base}/options"))
    assert [o["code"] for g in options["groups"] for o in g["options"]] == ["RED", "BLUE", "CASE"]
    assert len(options["rules"]) == 1
    assert client.delete(f"{base}/option-rules/{body(rule)['id']}").status_code == 204
    assert client.delete(f"{base}/option-groups/{extras['id']}").status_code == 204
    assert [o["code"] for g in body(client.get(f"{base}/options"))["groups"] for o in g["options"]] == [
        "RED",
        "BLUE",
    ]
    assert post(api_client(people.alice), f"{base}/option-groups", {"name_ko": "x"}).status_code == 403


def test_configure_prices_a_valid_configuration_for_a_contact(people: Personas) -> None:
    product = ProductFactory(unit_price=100000)
    group = OptionGroupFactory(product=product, required=True, name_en="Colour")
    red = OptionFactory(group=group, code="RED", price_adjustment=5000)
    tier_a = PriceListFactory(segment_kind="value_tier", segment="A", name="A 등급가")
    PriceListItemFactory(price_list=tier_a, product=product, price=90000)
    contact = ContactFactory(owner=people.alice)
    CustomerScore.objects.create(contact=contact, value_tier="A")
    client = api_client(people.alice)
    url = f"/api/v1/products/{product.pk}/configure"
    plain = body(post(client, url, {"options": ["RED"]}))
    assert (plain["unit_price"], plain["source"], plain["price_list"]) == (105000, "list_price", None)
    priced = body(post(client, url, {"options": [red.pk], "contact_id": contact.pk}))
    assert (priced["unit_price"], priced["base_price"], priced["source"]) == (95000, 90000, "price_list")
    assert priced["price_list"]["name"] == "A 등급가"
    assert priced["adjustments"] == [{"option_id": red.pk, "option_code": "RED", "amount": 5000}]
    before_the_list = body(
        post(client, url, {"options": ["RED"], "contact_id": contact.pk, "on": "2025-12-31"})
    )
    assert (before_the_list["unit_price"], before_the_list["source"]) == (105000, "list_price")


def test_a_product_with_options_reads_in_a_fixed_number_of_queries(
    people: Personas, django_assert_max_num_queries: Any
) -> None:
    product = ProductFactory()
    for _g in range(3):
        group = OptionGroupFactory(product=product)
        rule_from = OptionFactory(group=group)
        OptionRuleFactory(option=rule_from, target=OptionFactory(group=group), kind="excludes")
    client = api_client(people.alice)
    with django_assert_max_num_queries(9):
        data = body(client.get(f"/api/v1/products/{product.pk}"))
    assert len(data["option_groups"]) == 3 and len(data["option_rules"]) == 3


def test_configure_refuses_a_broken_rule_as_problem_json_naming_it(people: Personas) -> None:
    product = ProductFactory()
    group = OptionGroupFactory(product=product, required=True, name_en="Colour", name_ko="색상")
    extras = OptionGroupFactory(product=product, choice="multiple")
    OptionFactory(group=group, code="RED", name_en="Red")
    gpu = OptionFactory(group=extras, code="GPU", name_en="GPU")
    ram = OptionFactory(group=extras, code="RAM32", name_en="32GB")
    OptionRuleFactory(option=gpu, target=ram, kind="requires")
    client = api_client(people.alice)
    response = post(
        client, f"/api/v1/products/{product.pk}/configure", {"options": ["GPU"]}, **{"Accept-Language": "en"}
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    data = body(response)
    assert data["type"].endswith("/configuration")
    assert [e["message"] for e in data["errors"]] == [
        "Choose one option in group Colour.",
        "Option GPU requires option 32GB.",
    ]
    assert [(r["rule"], r["option"], r["target"]) for r in data["rules"]] == [
        ("required_group", None, None),
        ("requires", "GPU", "RAM32"),
    ]
    assert data["rules"][0]["group"] == group.pk


def test_configure_names_a_contact_the_user_may_not_see_and_bad_input(people: Personas) -> None:
    product = ProductFactory()
    bobs = ContactFactory(owner=people.bob)
    client = api_client(people.alice)
    url = f"/api/v1/products/{product.pk}/configure"
    assert error_fields(post(client, url, {"contact_id": bobs.pk})) == {"contact_id"}
    assert error_fields(post(client, url, {"options": ["NOPE"]})) == {"options"}
    assert error_fields(post(client, url, {"currency": "USD"})) == {"currency"}
    assert error_fields(post(client, url, {"on": "yesterday"})) == {"on"}
    assert (
        client.post("/api/v1/products/999999/configure", "{}", content_type="application/json").status_code
        == 404
    )


def test_price_lists_are_created_listed_changed_and_deleted(people: Personas) -> None:
    client = api_client(people.carol)
    response = post(
        client,
        "/api/v1/price-lists",
        {"name": "2026 정가", "currency": "krw", "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
    )
    assert response.status_code == 201, response.content
    created = body(response)
    assert (created["currency"], created["segment_kind"]) == ("KRW", "everyone")
    overlap = post(
        client, "/api/v1/price-lists", {"name": "겹침", "currency": "KRW", "valid_from": "2026-06-01"}
    )
    assert error_fields(overlap) == {"valid_from"}
    assert "2026 정가" in body(overlap)["errors"][0]["message"]
    url = f"/api/v1/price-lists/{created['id']}"
    changed = patch(client, url, {"valid_to": "2026-05-31"}, **{"If-Match": '"1"'})
    assert changed.status_code == 200 and body(changed)["valid_to"] == "2026-05-31"
    assert (
        post(
            client, "/api/v1/price-lists", {"name": "하반기", "currency": "KRW", "valid_from": "2026-06-01"}
        ).status_code
        == 201
    )
    listed = body(api_client(people.oscar).get("/api/v1/price-lists", {"valid_on": "2026-07-01"}))["items"]
    assert [p["name"] for p in listed] == ["하반기"]
    assert patch(client, url, {"name": "x", "version": 1}).status_code == 409
    assert client.delete(url).status_code == 204
    assert AuditLog.objects.filter(entity="price_list", action="delete").exists()


def test_price_list_items_are_set_listed_and_removed(people: Personas) -> None:
    price_list = PriceListFactory()
    product = ProductFactory()
    client = api_client(people.root)
    url = f"/api/v1/price-lists/{price_list.pk}/items/{product.pk}"
    assert body(put(client, url, {"price": 9000})) == {
        "product_id": product.pk,
        "product_code": product.code,
        "price": 9000,
    }
    assert body(put(client, url, {"price": 8500}))["price"] == 8500
    assert error_fields(put(client, url, {"price": -1})) == {"price"}
    assert put(client, f"/api/v1/price-lists/{price_list.pk}/items/999999", {"price": 1}).status_code == 404
    items = body(api_client(people.alice).get(f"/api/v1/price-lists/{price_list.pk}/items"))["items"]
    assert [i["price"] for i in items] == [8500]
    assert put(api_client(people.alice), url, {"price": 1}).status_code == 403
    assert client.delete(url).status_code == 204
    assert not PriceListItem.objects.exists()
    assert {a for (a,) in AuditLog.objects.filter(entity="price_list_item").values_list("action")} == {
        "create",
        "update",
        "delete",
    }
