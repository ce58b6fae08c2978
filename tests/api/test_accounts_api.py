"""Accounts: create, read, change, delete and the timeline, through the same visibility as contacts."""

from __future__ import annotations

from inyeon.core.models import AuditLog
from inyeon.customers.models import Account
from tests.api.helpers import body, error_fields, patch, post
from tests.conftest import Personas, api_client
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, OrderFactory

URL = "/api/v1/accounts"


def test_create_normalises_audits_and_answers_201(people: Personas) -> None:
    response = post(
        api_client(people.alice),
        URL,
        {"name": "(주)인연상사", "phone": "02-123-4567", "email": "Sales@Inyeon.KR", "industry": "유통"},
    )
    assert response.status_code == 201
    data = body(response)
    assert data["phone"] == "+8221234567" and data["email"] == "sales@inyeon.kr"
    assert data["owner_id"] == people.alice.pk and data["version"] == 1
    assert response["Location"] == f"/api/v1/accounts/{data['id']}" and response["ETag"] == '"1"'
    assert AuditLog.objects.filter(entity="account", entity_id=str(data["id"]), action="create").exists()


def test_an_account_needs_a_name(people: Personas) -> None:
    response = post(api_client(people.alice), URL, {"name": " ", "email": "nope"})
    assert response.status_code == 422
    assert error_fields(response) == {"name", "email"}
    assert not Account.objects.exists()


def test_a_rep_sees_only_own_accounts_and_a_404_for_others(people: Personas) -> None:
    mine, bobs = AccountFactory(owner=people.alice), AccountFactory(owner=people.bob)
    client = api_client(people.alice)
    assert [a["id"] for a in body(client.get(URL))["items"]] == [mine.pk]
    assert client.get(f"{URL}/{bobs.pk}").status_code == 404
    assert patch(client, f"{URL}/{bobs.pk}", {"industry": "x"}).status_code == 404
    assert client.delete(f"{URL}/{bobs.pk}").status_code == 404
    assert client.get(f"{URL}/{bobs.pk}/timeline").status_code == 404
    assert {a["id"] for a in body(api_client(people.carol).get(URL))["items"]} == {mine.pk, bobs.pk}
    assert body(api_client(people.oscar).get(URL))["items"] == []


def test_search_finds_hangul_names_and_initial_consonants(people: Personas) -> None:
    inyeon = AccountFactory(owner=people.alice, name="인연상사")
    AccountFactory(owner=people.alice, name="바다무역")
    client = api_client(people.alice)
    for q in ("인연", "ㅇㅇㅅㅅ"):
        assert [a["id"] for a in body(client.get(URL, {"q": q}))["items"]] == [inyeon.pk], q


def test_patch_changes_only_the_fields_sent_and_audits(people: Personas) -> None:
    account = AccountFactory(owner=people.alice, industry="유통", website="https://inyeon.kr")
    response = patch(api_client(people.alice), f"{URL}/{account.pk}", {"industry": "제조"})
    assert response.status_code == 200
    assert body(response)["industry"] == "제조" and body(response)["website"] == "https://inyeon.kr"
    row = AuditLog.objects.get(entity="account", entity_id=str(account.pk), action="update")
    assert row.changes == {"industry": ["유통", "제조"]}


def test_delete_answers_204_unless_the_account_has_orders(people: Personas) -> None:
    empty = AccountFactory(owner=people.alice)
    busy = AccountFactory(owner=people.alice)
    OrderFactory(contact=ContactFactory(owner=people.alice), account=busy)
    client = api_client(people.alice)
    assert client.delete(f"{URL}/{empty.pk}").status_code == 204
    assert AuditLog.objects.filter(entity="account", entity_id=str(empty.pk), action="delete").exists()
    assert client.delete(f"{URL}/{busy.pk}").status_code == 422
    assert list(Account.objects.values_list("pk", flat=True)) == [busy.pk]


def test_an_analyst_may_read_but_not_write(people: Personas) -> None:
    account = AccountFactory(owner=people.alice)
    client = api_client(people.erin)
    assert client.get(f"{URL}/{account.pk}").status_code == 200
    assert post(client, URL, {"name": "X"}).status_code == 403
    assert patch(client, f"{URL}/{account.pk}", {"name": "X"}).status_code == 403


def test_the_timeline_includes_the_accounts_contacts(people: Personas) -> None:
    account = AccountFactory(owner=people.alice)
    contact = ContactFactory(owner=people.alice, account=account)
    ActivityFactory(contact=contact, kind="meeting", subject="미팅")
    OrderFactory(contact=contact, account=account)
    entries = body(api_client(people.alice).get(f"{URL}/{account.pk}/timeline"))
    assert {e["kind"] for e in entries} == {"meeting", "order"}
