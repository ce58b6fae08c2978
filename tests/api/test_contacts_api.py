from __future__ import annotations

import json

import pytest
from django.test import Client

from inyeon.core.models import AccessLog, AuditLog
from inyeon.core.services import token_create, token_revoke
from inyeon.customers.models import Contact, ContactEmail
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory

URL = "/api/v1/contacts"


def body(response: object) -> dict:
    return json.loads(response.content)  # type: ignore[attr-defined]


def post(client: Client, url: str, data: dict, **headers: str) -> object:
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def patch(client: Client, url: str, data: dict, **headers: str) -> object:
    return client.patch(url, data=json.dumps(data), content_type="application/json", **headers)


def test_it_needs_authentication(people: Personas) -> None:
    response = Client().get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert body(response)["status"] == 401


def test_a_revoked_token_is_refused(people: Personas) -> None:
    token, raw = token_create(user=people.alice)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(URL).status_code == 200
    token_revoke(token=token)
    assert client.get(URL).status_code == 401


def test_a_rep_lists_only_own_contacts(people: Personas) -> None:
    mine = ContactFactory(owner=people.alice)
    ContactFactory(owner=people.bob)
    ids = [c["id"] for c in body(api_client(people.alice).get(URL))["items"]]
    assert ids == [mine.pk]


def test_a_manager_lists_both_teams_and_an_outsider_nothing(people: Personas) -> None:
    a, b = ContactFactory(owner=people.alice), ContactFactory(owner=people.bob)
    assert {c["id"] for c in body(api_client(people.carol).get(URL))["items"]} == {a.pk, b.pk}
    assert body(api_client(people.oscar).get(URL))["items"] == []


def test_another_reps_contact_is_a_404_for_every_verb(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    client = api_client(people.alice)
    assert client.get(f"{URL}/{bobs.pk}").status_code == 404
    assert patch(client, f"{URL}/{bobs.pk}", {"notes": "x"}).status_code == 404
    assert client.delete(f"{URL}/{bobs.pk}").status_code == 404
    assert client.get(f"{URL}/{bobs.pk}/timeline").status_code == 404
    assert (
        post(
            client,
            f"{URL}/{bobs.pk}/consents",
            {"channel": "email", "status": "granted", "purpose": "p", "source": "s"},
        ).status_code
        == 404
    )
    bobs.refresh_from_db()
    assert bobs.notes == "" and bobs.consents.count() == 0


def test_create_normalises_and_audits(people: Personas) -> None:
    client = api_client(people.alice)
    response = post(
        client,
        URL,
        {
            "display_name": "김민수",
            "emails": [" Minsu@Example.KR "],
            "phones": ["010-1234-5678"],
            "tags": ["VIP"],
        },
    )
    assert response.status_code == 201
    data = body(response)
    assert (data["family_name"], data["given_name"]) == ("김", "민수")
    assert data["emails"] == ["minsu@example.kr"]
    assert data["phones"] == ["+821012345678"]
    assert data["owner_id"] == people.alice.pk
    assert response["ETag"] == '"1"'
    assert AuditLog.objects.filter(entity="contact", entity_id=str(data["id"]), action="create").exists()


def test_bad_fields_are_all_named_and_nothing_is_written(people: Personas) -> None:
    client = api_client(people.alice)
    before = (Contact.objects.count(), ContactEmail.objects.count(), AuditLog.objects.count())
    response = post(
        client,
        URL,
        {"display_name": "홍길동", "emails": ["bad@"], "phones": ["12"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in body(response)["errors"]}
    assert fields == {"emails[0]", "phones[0]"}
    assert (Contact.objects.count(), ContactEmail.objects.count(), AuditLog.objects.count()) == before


def test_errors_come_in_korean_when_asked(people: Personas) -> None:
    client = api_client(people.alice)
    response = client.post(
        URL,
        data=json.dumps({"display_name": "홍길동", "emails": ["bad@"]}),
        content_type="application/json",
        headers={"Accept-Language": "ko"},
    )
    assert response.status_code == 422
    assert "이메일" in body(response)["errors"][0]["message"]


def test_a_schema_type_error_names_the_field(people: Personas) -> None:
    response = post(api_client(people.alice), URL, {"display_name": "X", "account_id": "abc"})
    assert response.status_code == 422
    assert body(response)["errors"][0]["field"] == "account_id"


def test_owner_outside_a_reps_reach_is_refused(people: Personas) -> None:
    response = post(api_client(people.alice), URL, {"display_name": "X", "owner_id": people.oscar.pk})
    assert response.status_code == 422
    assert body(response)["errors"][0]["field"] == "owner_id"
    assert not Contact.objects.exists()


def test_a_manager_may_assign_to_a_rep_in_the_region(people: Personas) -> None:
    response = post(api_client(people.carol), URL, {"display_name": "X", "owner_id": people.bob.pk})
    assert response.status_code == 201
    assert body(response)["owner_id"] == people.bob.pk
    assert body(response)["team_id"] == people.mapo.pk


def test_roles_that_may_not_write_get_403(people: Personas) -> None:
    for user in (people.erin, people.rita):
        response = post(api_client(user), URL, {"display_name": "X"})
        assert response.status_code == 403
    assert not Contact.objects.exists()


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, notes="old")
    client = api_client(people.alice)
    etag = client.get(f"{URL}/{contact.pk}")["ETag"]
    assert patch(client, f"{URL}/{contact.pk}", {"notes": "first"}, HTTP_IF_MATCH=etag).status_code == 200
    response = patch(client, f"{URL}/{contact.pk}", {"notes": "second"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert body(response)["current_version"] == 2
    contact.refresh_from_db()
    assert contact.notes == "first"


def test_patch_with_a_stale_body_version_is_409(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, notes="old")
    client = api_client(people.alice)
    assert patch(client, f"{URL}/{contact.pk}", {"notes": "a", "version": 1}).status_code == 200
    response = patch(client, f"{URL}/{contact.pk}", {"notes": "b", "version": 1})
    assert response.status_code == 409
    contact.refresh_from_db()
    assert contact.notes == "a"


def test_patch_changes_only_the_fields_sent_and_audits_old_and_new(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, job_title="대리")
    response = patch(api_client(people.alice), f"{URL}/{contact.pk}", {"job_title": "과장"})
    assert response.status_code == 200
    assert body(response)["display_name"] == contact.display_name
    row = AuditLog.objects.get(entity="contact", entity_id=str(contact.pk), action="update")
    assert row.changes["job_title"] == ["대리", "과장"]
    assert row.actor == people.alice


def test_delete_removes_and_audits(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    assert api_client(people.alice).delete(f"{URL}/{contact.pk}").status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert AuditLog.objects.filter(entity="contact", action="delete").count() == 1


@pytest.mark.parametrize("persona", ["dave", "erin", "rita"])
def test_personal_data_is_masked_for_roles_without_the_right(people: Personas, persona: str) -> None:
    contact = ContactFactory(
        owner=people.bob, primary_email="minsu@example.kr", primary_phone="+821012345678"
    )
    client = api_client(getattr(people, persona))
    listed = body(client.get(URL))["items"]
    if persona == "rita":  # read-only in Mapo sees bob's team records
        assert listed[0]["id"] == contact.pk
    item = next(c for c in listed if c["id"] == contact.pk)
    assert "minsu@example.kr" not in json.dumps(item)
    assert item["pii_masked"] is True
    detail = body(client.get(f"{URL}/{contact.pk}"))
    assert detail["email"].startswith("m•••@") and "12345678" not in json.dumps(detail)
    assert detail["birth_date"] == "1990-**-**"
    assert not AccessLog.objects.exists()


def test_unmasked_personal_data_is_logged_with_who_and_which_subject(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, primary_email="minsu@example.kr")
    response = api_client(people.alice).get(f"{URL}/{contact.pk}", REMOTE_ADDR="10.1.2.3")
    assert body(response)["email"] == "minsu@example.kr"
    log = AccessLog.objects.get()
    assert (log.actor, log.subject_ids, log.ip, log.action) == (people.alice, [contact.pk], "10.1.2.3", "api")


def test_search_finds_hangul_prefixes_and_initial_consonants(people: Personas) -> None:
    minsu = ContactFactory(owner=people.alice, family_name="김", given_name="민수")
    ContactFactory(owner=people.alice, family_name="이", given_name="서연")
    client = api_client(people.alice)
    for q in ("김민", "ㄱㅁㅅ", "김 민수", "민수"):
        ids = [c["id"] for c in body(client.get(URL, {"q": q}))["items"]]
        assert ids == [minsu.pk], q


def test_the_cursor_walks_every_row_exactly_once(people: Personas) -> None:
    created = {ContactFactory(owner=people.alice).pk for _ in range(7)}
    client = api_client(people.alice)
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = body(client.get(URL, params))
        seen.extend(c["id"] for c in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created) and len(seen) == len(set(seen))


def test_a_bad_cursor_is_a_field_error(people: Personas) -> None:
    response = api_client(people.alice).get(URL, {"cursor": "nonsense"})
    assert response.status_code == 422
    assert body(response)["errors"][0]["field"] == "cursor"


def test_the_list_uses_a_fixed_number_of_queries(people: Personas, django_assert_max_num_queries) -> None:
    for _ in range(30):
        ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"limit": 50})
    assert len(body(response)["items"]) == 30


def test_consents_history_and_current_state(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    for status in ("granted", "withdrawn"):
        response = post(
            client,
            f"{URL}/{contact.pk}/consents",
            {"channel": "sms", "status": status, "purpose": "이벤트 안내", "source": "web"},
        )
        assert response.status_code == 201
    state = body(client.get(f"{URL}/{contact.pk}/consents"))
    assert state["current"]["sms"]["status"] == "withdrawn"
    assert state["current"]["email"] is None
    assert [r["status"] for r in state["history"]] == ["withdrawn", "granted"]


def test_consent_without_purpose_names_the_field(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = post(
        api_client(people.alice),
        f"{URL}/{contact.pk}/consents",
        {"channel": "sms", "status": "granted", "purpose": "", "source": "web"},
    )
    assert response.status_code == 422
    assert {e["field"] for e in body(response)["errors"]} == {"purpose"}


def test_the_timeline_merges_activities_orders_and_consents(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    post(client, "/api/v1/activities", {"kind": "call", "subject": "안부 전화", "contact_id": contact.pk})
    post(client, "/api/v1/orders", {"contact_id": contact.pk, "total_amount": 30000})
    post(
        client,
        f"{URL}/{contact.pk}/consents",
        {"channel": "email", "status": "granted", "purpose": "뉴스레터", "source": "web"},
    )
    kinds = {e["kind"] for e in body(client.get(f"{URL}/{contact.pk}/timeline"))}
    assert {"call", "order", "consent"} <= kinds


def test_openapi_document_is_served(people: Personas) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = body(response)["paths"]
    assert "/api/v1/contacts" in paths and "/api/v1/contacts/{contact_id}" in paths


def test_the_browsable_docs_load_nothing_from_the_internet(db: None) -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "https://" not in html
