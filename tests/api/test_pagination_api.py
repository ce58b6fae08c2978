"""Keyset pages on every list: each row exactly once, a bounded limit, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import body, error_fields, walk
from tests.conftest import Personas, api_client
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, OrderFactory, ProductFactory

# The fixed cost of a list: the token, the visibility checks (shares, team tree), the page and, for
# contacts shown unmasked, the access log row.
MAX_QUERIES = 6


def contacts(people: Personas, n: int) -> None:
    for _ in range(n):
        ContactFactory(owner=people.alice, primary_email="a@example.kr")
    ContactFactory(owner=people.bob)


def accounts(people: Personas, n: int) -> None:
    for _ in range(n):
        AccountFactory(owner=people.alice)
    AccountFactory(owner=people.bob)


def orders(people: Personas, n: int) -> None:
    contact = ContactFactory(owner=people.alice)
    for _ in range(n):
        OrderFactory(contact=contact)
    OrderFactory(contact=ContactFactory(owner=people.bob))


def activities(people: Personas, n: int) -> None:
    contact = ContactFactory(owner=people.alice)
    for _ in range(n):
        ActivityFactory(contact=contact)
    ActivityFactory(contact=ContactFactory(owner=people.bob))


def products(people: Personas, n: int) -> None:
    for _ in range(n):
        ProductFactory()


LISTS: dict[str, Callable[[Personas, int], None]] = {
    "/api/v1/contacts": contacts,
    "/api/v1/accounts": accounts,
    "/api/v1/orders": orders,
    "/api/v1/activities": activities,
    "/api/v1/products": products,
}


@pytest.mark.parametrize("url", LISTS)
def test_the_cursor_walks_every_visible_row_exactly_once(people: Personas, url: str) -> None:
    LISTS[url](people, 7)
    client = api_client(people.alice)
    everything = [item["id"] for item in body(client.get(url, {"limit": 200}))["items"]]
    assert len(everything) == 7
    seen = walk(client, url, limit=3)
    assert seen == everything  # same order, nothing twice, nothing left out


def test_rows_sharing_a_sort_value_are_not_skipped_between_pages(people: Personas) -> None:
    from django.utils import timezone

    now = timezone.now()
    created = {ContactFactory(owner=people.alice, created_at=now).pk for _ in range(5)}
    seen = walk(api_client(people.alice), "/api/v1/contacts", limit=2)
    assert sorted(seen) == sorted(created)


def test_the_last_page_has_no_cursor(people: Personas) -> None:
    contacts(people, 3)
    page = body(api_client(people.alice).get("/api/v1/contacts", {"limit": 3}))
    assert len(page["items"]) == 3 and page["next_cursor"] is None


def test_the_limit_defaults_to_50(people: Personas) -> None:
    products(people, 51)
    page = body(api_client(people.alice).get("/api/v1/products"))
    assert len(page["items"]) == 50 and page["next_cursor"]


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_a_limit_outside_1_to_200_is_a_field_error(people: Personas, limit: str) -> None:
    response = api_client(people.alice).get("/api/v1/contacts", {"limit": limit})
    assert response.status_code == 422
    assert error_fields(response) == {"limit"}


def test_a_bad_cursor_is_a_field_error(people: Personas) -> None:
    response = api_client(people.alice).get("/api/v1/contacts", {"cursor": "nonsense"})
    assert response.status_code == 422
    assert error_fields(response) == {"cursor"}


def count_queries(url: str, client: object, limit: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"limit": limit})  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert len(body(response)["items"]) == limit
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_few_queries_for_5_or_60_rows(
    people: Personas, url: str, django_assert_max_num_queries: Callable[..., object]
) -> None:
    LISTS[url](people, 60)
    client = api_client(people.alice)
    client.get("/api/v1/me")  # the token's last-used stamp is written once, not on every request
    client.get(url, {"limit": 1})  # whether alice has shares is asked once, then remembered
    small = count_queries(url, client, 5)
    large = count_queries(url, client, 60)
    assert small == large
    with django_assert_max_num_queries(MAX_QUERIES):  # type: ignore[operator]
        client.get(url, {"limit": 60})


def test_a_managers_list_costs_a_fixed_number_of_queries(
    people: Personas, django_assert_max_num_queries: Callable[..., object]
) -> None:
    for _ in range(30):
        ContactFactory(owner=people.alice)
        ContactFactory(owner=people.bob)
    client = api_client(people.carol)
    client.get("/api/v1/me")
    with django_assert_max_num_queries(MAX_QUERIES):  # type: ignore[operator]
        response = client.get("/api/v1/contacts", {"limit": 50})
    assert len(body(response)["items"]) == 50
