"""/api/v1/quotes and /api/v1/contracts: CRUD, versions, PDF, send, accept, renew; errors and visibility."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from inyeon.customers.models import Contact, Order
from inyeon.quotes.models import Contract, Quote
from tests.conftest import Personas, api_client
from tests.quotes.conftest import make_contract, make_quote

pytestmark = pytest.mark.django_db


def body(response: object) -> dict:
    return json.loads(response.content)  # type: ignore[attr-defined]


def test_create_read_patch_and_version_a_quote(people: Personas, customer: Contact) -> None:
    client = api_client(people.alice)
    created = client.post(
        "/api/v1/quotes",
        {
            "contact_id": customer.pk,
            "discount": "10%",
            "lines": [{"description": "컨설팅", "quantity": 2, "unit_price": 100_000, "discount": "5000"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    quote = body(created)
    assert quote["current"]["subtotal"] == 195_000 and quote["current"]["discount_total"] == 19_500
    assert quote["current"]["tax_total"] == 17_550 and quote["total"] == 193_050
    assert quote["current"]["lines"][0]["discount"] == "5000"
    url = f"/api/v1/quotes/{quote['id']}"
    etag = client.get(url)["ETag"]
    changed = client.patch(
        url,
        {"lines": [{"description": "교육", "quantity": 1, "unit_price": 50_000}]},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200 and body(changed)["total"] == 49_500
    stale = client.patch(url, {"title": "x"}, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert client.get(f"{url}/versions").status_code == 200
    assert body(client.get(f"{url}/lines"))["lines"][0]["description"] == "교육"


def test_bad_input_is_problem_json_naming_each_field(people: Personas, customer: Contact) -> None:
    response = api_client(people.alice).post(
        "/api/v1/quotes",
        {
            "contact_id": customer.pk,
            "currency": "ZZZ",
            "lines": [{"description": "a", "quantity": 0, "unit_price": 1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert {e["field"] for e in body(response)["errors"]} == {"currency", "lines[0].quantity"}


def test_send_then_edit_keeps_v1_and_accept_makes_one_order(
    people: Personas, customer: Contact, django_capture_on_commit_callbacks: object
) -> None:
    client = api_client(people.alice)
    quote = make_quote(people.alice, customer)
    url = f"/api/v1/quotes/{quote.pk}"
    sent = client.post(f"{url}/send")
    assert sent.status_code == 200 and body(sent)["status"] == "sent"
    client.patch(url, {"discount": "1000"}, content_type="application/json")
    versions = body(client.get(f"{url}/versions"))
    assert [v["number"] for v in versions] == [2, 1] and versions[1]["sent_at"] is not None
    assert versions[1]["total"] == 330_000 and versions[0]["discount_total"] == 1_000
    pdf_v1 = client.get(f"{url}/pdf?version=1")
    assert pdf_v1["Content-Type"] == "application/pdf"
    assert "김민수" in PdfReader(io.BytesIO(pdf_v1.content)).pages[0].extract_text()
    accepted = client.post(f"{url}/accept")
    assert accepted.status_code == 200 and body(accepted)["order_id"] == Order.objects.get().pk
    again = client.post(f"{url}/accept")
    assert again.status_code == 422 and Order.objects.count() == 1


def test_another_teams_rep_gets_404_everywhere(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer)
    contract = make_contract(people.alice, customer.account)
    bob = api_client(people.bob)
    for path in ("", "/versions", "/versions/1", "/lines", "/pdf"):
        assert bob.get(f"/api/v1/quotes/{quote.pk}{path}").status_code == 404, path
    for path in ("/send", "/accept", "/reject"):
        assert bob.post(f"/api/v1/quotes/{quote.pk}{path}").status_code == 404, path
    assert bob.patch(f"/api/v1/quotes/{quote.pk}", {}, content_type="application/json").status_code == 404
    assert bob.delete(f"/api/v1/quotes/{quote.pk}").status_code == 404
    assert body(bob.get("/api/v1/quotes"))["items"] == []
    assert bob.get(f"/api/v1/contracts/{contract.pk}").status_code == 404
    assert bob.post(f"/api/v1/contracts/{contract.pk}/renew").status_code == 404
    assert body(bob.get("/api/v1/contracts"))["items"] == []
    assert [q["id"] for q in body(api_client(people.carol).get("/api/v1/quotes"))["items"]] == [quote.pk]
    assert Quote.objects.get().status == "draft"


def test_contracts_crud_and_renew(people: Personas, customer: Contact) -> None:
    client = api_client(people.alice)
    created = client.post(
        "/api/v1/contracts",
        {
            "title": "연간 유지보수",
            "account_id": customer.account_id,
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "value": 24_000_000,
            "notice_days": 60,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    contract = body(created)
    assert contract["notice_deadline"] == "2026-11-01" and contract["status"] == "active"
    url = f"/api/v1/contracts/{contract['id']}"
    patched = client.patch(url, {"value": 25_000_000, "version": 1}, content_type="application/json")
    assert patched.status_code == 200 and body(patched)["value"] == 25_000_000
    renewed = client.post(f"{url}/renew")
    assert renewed.status_code == 201 and body(renewed)["previous_id"] == contract["id"]
    assert body(client.get(url))["next_id"] == body(renewed)["id"]
    assert client.post(f"{url}/renew").status_code == 422
    assert Contract.objects.count() == 2


def test_the_list_query_count_is_capped(
    people: Personas, customer: Contact, django_assert_max_num_queries: object
) -> None:
    for _i in range(5):
        make_quote(people.alice, customer)
        make_contract(people.alice, customer.account)
    client = api_client(people.alice)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert len(body(client.get("/api/v1/quotes"))["items"]) == 5
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert len(body(client.get("/api/v1/contracts"))["items"]) == 5


def test_the_openapi_document_lists_the_endpoints(people: Personas) -> None:
    paths = body(api_client(people.alice).get("/api/v1/openapi.json"))["paths"]
    assert {"/api/v1/quotes", "/api/v1/quotes/{quote_id}/pdf", "/api/v1/quotes/{quote_id}/accept"} <= set(
        paths
    )
    assert "/api/v1/contracts/{contract_id}/renew" in paths
