"""Contacts: create, read, change and delete, each through the same visibility as the web pages."""

from __future__ import annotations

import pytest

from inyeon.core.models import AuditLog
from inyeon.customers.models import Contact, StageChange
from tests.api.helpers import PROBLEM, body, error_fields, patch, post
from tests.conftest import Personas, api_client
from tests.factories import AccountFactory, ContactFactory, OrderFactory

URL = "/api/v1/contacts"


def test_a_rep_lists_only_own_contacts(people: Personas) -> None:
    mine = ContactFactory(owner=people.alice)
    ContactFactory(owner=people.bob)
    ids = [c["id"] for c in body(api_client(people.alice).get(URL))["items"]]
    assert ids == [mine.pk]


def test_a_manager_lists_both_teams_and_an_outsider_nothing(people: Personas) -> None:
    a, b = ContactFactory(owner=people.alice), ContactFactory(owner=people.bob)
    assert {c["id"] for c in body(api_client(people.carol).get(URL))["items"]} == {a.pk, b.pk}
    assert body(api_client(people.oscar).get(URL))["items"] == []
    assert api_client(people.oscar).get(f"{URL}/{a.pk}").status_code == 404


def test_another_reps_contact_is_a_404_for_every_verb(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob, notes="")
    client = api_client(people.alice)
    for response in (
        client.get(f"{URL}/{bobs.pk}"),
        patch(client, f"{URL}/{bobs.pk}", {"notes": "x"}),
        client.delete(f"{URL}/{bobs.pk}"),
        client.get(f"{URL}/{bobs.pk}/timeline"),
        client.get(f"{URL}/{bobs.pk}/consents"),
        post(
            client,
            f"{URL}/{bobs.pk}/consents",
            {"channel": "sms", "status": "granted", "purpose": "p", "source": "s"},
        ),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        assert body(response)["type"].endswith("/not-found")
    bobs.refresh_from_db()
    assert bobs.notes == "" and bobs.consents.count() == 0
    assert not AuditLog.objects.filter(entity="contact", entity_id=str(bobs.pk)).exists()


def test_a_missing_contact_looks_the_same_as_an_invisible_one(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    client = api_client(people.alice)
    assert body(client.get(f"{URL}/{bobs.pk}")) == body(client.get(f"{URL}/999999"))


def test_create_normalises_audits_and_answers_201_with_location(people: Personas) -> None:
    response = post(
        api_client(people.alice),
        URL,
        {
            "display_name": "김민수",
            "emails": [" Minsu@Example.KR "],
            "phones": ["010-1234-5678"],
            "tags": ["VIP"],
            "addresses": [{"kind": "home", "region": "서울특별시", "city": "강남구", "line1": "테헤란로 1"}],
            "birth_date": "1990-05-17",
            "lifecycle_stage": "new",
        },
    )
    assert response.status_code == 201
    data = body(response)
    assert (data["family_name"], data["given_name"]) == ("김", "민수")
    assert data["emails"] == ["minsu@example.kr"]
    assert data["phones"] == ["+821012345678"]
    assert data["tags"] == ["VIP"]
    assert data["birth_date"] == "1990-05-17"
    assert "테헤란로 1" in data["addresses"][0]
    assert data["owner_id"] == people.alice.pk and data["team_id"] == people.gangnam.pk
    assert data["version"] == 1 and response["ETag"] == '"1"'
    assert response["Location"] == f"/api/v1/contacts/{data['id']}"
    row = AuditLog.objects.get(entity="contact", entity_id=str(data["id"]), action="create")
    assert row.actor == people.alice
    assert StageChange.objects.filter(contact_id=data["id"], to_stage="new").exists()


def test_the_detail_has_every_field_and_the_etag(people: Personas) -> None:
    account = AccountFactory(owner=people.alice, name="(주)인연")
    contact = ContactFactory(owner=people.alice, account=account, job_title="과장", version=4)
    response = api_client(people.alice).get(f"{URL}/{contact.pk}")
    assert response.status_code == 200
    data = body(response)
    assert response["ETag"] == '"4"' and data["version"] == 4
    assert data["account_id"] == account.pk and data["account_name"] == "(주)인연"
    assert data["job_title"] == "과장"
    assert data["email"] == contact.primary_email and data["emails"] == [contact.primary_email]


def test_owner_outside_a_reps_reach_is_refused_with_a_field_error(people: Personas) -> None:
    response = post(api_client(people.alice), URL, {"display_name": "X", "owner_id": people.oscar.pk})
    assert response.status_code == 422
    assert error_fields(response) == {"owner_id"}
    assert not Contact.objects.exists()


def test_a_rep_cannot_hand_a_contact_to_someone_else_by_patch(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = patch(api_client(people.alice), f"{URL}/{contact.pk}", {"owner_id": people.bob.pk})
    assert response.status_code == 422 and error_fields(response) == {"owner_id"}
    contact.refresh_from_db()
    assert contact.owner == people.alice


def test_an_account_the_user_cannot_see_is_refused_with_a_field_error(people: Personas) -> None:
    bobs_account = AccountFactory(owner=people.bob)
    response = post(api_client(people.alice), URL, {"display_name": "X", "account_id": bobs_account.pk})
    assert response.status_code == 422 and error_fields(response) == {"account_id"}


def test_a_manager_may_assign_to_a_rep_in_the_region(people: Personas) -> None:
    response = post(api_client(people.carol), URL, {"display_name": "X", "owner_id": people.bob.pk})
    assert response.status_code == 201
    assert body(response)["owner_id"] == people.bob.pk
    assert body(response)["team_id"] == people.mapo.pk


@pytest.mark.parametrize("persona", ["erin", "rita"])
def test_roles_that_may_not_write_get_403_for_every_write(people: Personas, persona: str) -> None:
    client = api_client(getattr(people, persona))
    contact = ContactFactory(owner=people.bob, notes="")
    assert post(client, URL, {"display_name": "X"}).status_code == 403
    response = patch(client, f"{URL}/{contact.pk}", {"notes": "x"})
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM and body(response)["type"].endswith("/forbidden")
    assert client.delete(f"{URL}/{contact.pk}").status_code == 403
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert contact.notes == ""


def test_patch_changes_only_the_fields_sent_and_audits_old_and_new(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, job_title="대리", notes="keep")
    response = patch(api_client(people.alice), f"{URL}/{contact.pk}", {"job_title": "과장"})
    assert response.status_code == 200
    data = body(response)
    assert data["job_title"] == "과장" and data["notes"] == "keep"
    assert data["display_name"] == contact.display_name
    assert data["version"] == 2 and response["ETag"] == '"2"'
    row = AuditLog.objects.get(entity="contact", entity_id=str(contact.pk), action="update")
    assert row.changes["job_title"] == ["대리", "과장"]
    assert row.actor == people.alice


def test_patch_replaces_the_lists_it_is_sent(people: Personas) -> None:
    client = api_client(people.alice)
    created = body(post(client, URL, {"display_name": "김민수", "emails": ["a@example.kr", "b@example.kr"]}))
    data = body(patch(client, f"{URL}/{created['id']}", {"emails": ["c@example.kr"]}))
    assert data["emails"] == ["c@example.kr"] and data["email"] == "c@example.kr"


def test_the_detail_lists_every_channel_and_tag_in_order(people: Personas) -> None:
    client = api_client(people.alice)
    created = body(
        post(
            client,
            URL,
            {
                "display_name": "김민수",
                "emails": ["b@example.kr", "a@example.kr"],
                "phones": ["010-1234-5678", "02-555-1234"],
                "tags": ["서울", "VIP", "부산"],
            },
        )
    )
    data = body(client.get(f"{URL}/{created['id']}"))
    assert data["emails"] == ["b@example.kr", "a@example.kr"]
    assert data["phones"] == ["+821012345678", "+8225551234"]
    assert data["tags"] == ["VIP", "부산", "서울"]


def test_delete_removes_audits_and_answers_204(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = api_client(people.alice).delete(f"{URL}/{contact.pk}")
    assert response.status_code == 204 and response.content == b""
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert AuditLog.objects.filter(entity="contact", entity_id=str(contact.pk), action="delete").count() == 1


def test_a_contact_with_orders_is_not_deleted(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    OrderFactory(contact=contact)
    response = api_client(people.alice).delete(f"{URL}/{contact.pk}")
    assert response.status_code == 422
    assert error_fields(response) == {"__all__"}
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_timeline_merges_activities_orders_consents_and_stages(people: Personas) -> None:
    client = api_client(people.alice)
    contact_id = body(post(client, URL, {"display_name": "김민수", "lifecycle_stage": "new"}))["id"]
    post(client, "/api/v1/activities", {"kind": "call", "subject": "안부 전화", "contact_id": contact_id})
    post(client, "/api/v1/orders", {"contact_id": contact_id, "total_amount": 30000})
    post(
        client,
        f"{URL}/{contact_id}/consents",
        {"channel": "email", "status": "granted", "purpose": "뉴스레터", "source": "web"},
    )
    entries = body(client.get(f"{URL}/{contact_id}/timeline"))
    assert {"call", "order", "consent", "stage"} <= {e["kind"] for e in entries}
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert len(body(client.get(f"{URL}/{contact_id}/timeline", {"limit": 2}))) == 2
