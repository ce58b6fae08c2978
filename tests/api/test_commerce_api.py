"""Products, orders and activities. Money is integer minor units with its currency."""

from __future__ import annotations

from inyeon.core.models import AuditLog
from inyeon.customers.models import Activity, Order, Product
from tests.api.helpers import body, error_fields, post
from tests.conftest import Personas, api_client
from tests.factories import ActivityFactory, ContactFactory, OrderFactory, ProductFactory


def test_a_product_is_created_read_and_listed(people: Personas) -> None:
    client = api_client(people.carol)
    response = post(
        client,
        "/api/v1/products",
        {"code": "TEA-01", "name_ko": "녹차", "unit_price": 1250, "currency": "usd"},
    )
    assert response.status_code == 201
    data = body(response)
    assert (data["unit_price"], data["currency"]) == (1250, "USD")
    assert response["Location"] == f"/api/v1/products/{data['id']}"
    assert body(client.get(f"/api/v1/products/{data['id']}"))["name_ko"] == "녹차"
    assert [p["code"] for p in body(client.get("/api/v1/products"))["items"]] == ["TEA-01"]
    assert AuditLog.objects.filter(entity="product", action="create").count() == 1


def test_a_product_code_is_unique_and_prices_are_whole_minor_units(people: Personas) -> None:
    ProductFactory(code="TEA-01")
    client = api_client(people.root)
    response = post(client, "/api/v1/products", {"code": "TEA-01", "name_ko": "녹차", "unit_price": -1})
    assert error_fields(response) == {"code", "unit_price"}
    response = post(client, "/api/v1/products", {"code": "TEA-02", "name_ko": "녹차", "unit_price": 12.5})
    assert error_fields(response) == {"unit_price"}
    assert Product.objects.count() == 1


def test_the_catalogue_can_leave_out_retired_products(people: Personas) -> None:
    on_sale = ProductFactory()
    ProductFactory(active=False)
    client = api_client(people.erin)
    assert len(body(client.get("/api/v1/products"))["items"]) == 2
    assert [p["id"] for p in body(client.get("/api/v1/products", {"active": "true"}))["items"]] == [
        on_sale.pk
    ]
    assert client.get("/api/v1/products/999999").status_code == 404


def test_an_analyst_may_not_add_a_product(people: Personas) -> None:
    assert post(api_client(people.erin), "/api/v1/products", {"code": "X", "name_ko": "X"}).status_code == 403


def test_an_order_with_lines_totals_them_in_minor_units(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    tea = ProductFactory(unit_price=15000)
    client = api_client(people.alice)
    response = post(
        client,
        "/api/v1/orders",
        {
            "contact_id": contact.pk,
            "ordered_at": "2025-03-01T10:00:00+09:00",
            "lines": [{"product_id": tea.pk, "quantity": 2}, {"description": "배송비", "unit_price": 3000}],
        },
    )
    assert response.status_code == 201
    data = body(response)
    assert (data["total_amount"], data["currency"], data["quantity"]) == (33000, "KRW", 3)
    assert [line["amount"] for line in data["lines"]] == [30000, 3000]
    assert data["owner_id"] == people.alice.pk
    assert body(client.get(f"/api/v1/orders/{data['id']}")) == data
    assert AuditLog.objects.filter(entity="order", entity_id=str(data["id"])).exists()


def test_an_order_names_each_bad_field_and_writes_nothing(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    response = post(
        api_client(people.alice),
        "/api/v1/orders",
        {"contact_id": bobs.pk, "currency": "XYZ", "lines": [{"product_id": 999999, "quantity": 0}]},
    )
    assert response.status_code == 422
    assert error_fields(response) == {"contact_id", "currency", "lines[0].product_id", "lines[0].quantity"}
    assert not Order.objects.exists()


def test_orders_are_listed_and_read_only_where_visible(people: Personas) -> None:
    mine = OrderFactory(contact=ContactFactory(owner=people.alice))
    bobs = OrderFactory(contact=ContactFactory(owner=people.bob))
    client = api_client(people.alice)
    assert [o["id"] for o in body(client.get("/api/v1/orders"))["items"]] == [mine.pk]
    assert client.get(f"/api/v1/orders/{bobs.pk}").status_code == 404
    listed = body(client.get("/api/v1/orders", {"contact_id": mine.contact_id}))["items"]
    assert listed[0]["total_amount"] == 25000 and listed[0]["currency"] == "KRW"
    assert error_fields(client.get("/api/v1/orders", {"sort": "total_amount"})) == {"sort"}


def test_an_activity_is_logged_listed_read_and_completed(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    response = post(
        client,
        "/api/v1/activities",
        {"kind": "task", "subject": "견적서 보내기", "contact_id": contact.pk, "due_at": "2030-01-02T09:00"},
    )
    assert response.status_code == 201
    task = body(response)
    assert task["done_at"] is None and task["due_at"].startswith("2030-01-02T09:00")
    assert [a["id"] for a in body(client.get("/api/v1/activities", {"open_tasks": "true"}))["items"]] == [
        task["id"]
    ]
    done = body(client.post(f"/api/v1/activities/{task['id']}/complete"))
    assert done["done_at"] is not None
    assert body(client.get("/api/v1/activities", {"open_tasks": "true"}))["items"] == []
    assert body(client.get(f"/api/v1/activities/{task['id']}"))["done_at"] == done["done_at"]


def test_an_activity_needs_a_known_kind_a_subject_and_a_visible_record(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    response = post(api_client(people.alice), "/api/v1/activities", {"kind": "fax", "contact_id": bobs.pk})
    assert error_fields(response) == {"kind", "subject", "contact_id"}
    assert not Activity.objects.exists()


def test_another_reps_activities_are_invisible(people: Personas) -> None:
    bobs = ActivityFactory(contact=ContactFactory(owner=people.bob))
    client = api_client(people.alice)
    assert body(client.get("/api/v1/activities"))["items"] == []
    assert client.get(f"/api/v1/activities/{bobs.pk}").status_code == 404
    assert client.post(f"/api/v1/activities/{bobs.pk}/complete").status_code == 404
