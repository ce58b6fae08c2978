"""The API list builds its items from rows (`selectors.contact_rows`), not from contacts: each item
must be exactly what the contact's own presenter (`contact_item`, used by the detail) gives."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import HttpRequest

from inyeon.analytics.models import CustomerScore
from inyeon.api.contacts import contact_detail, contact_item
from inyeon.api.renderers import FastJSONRenderer
from inyeon.api.schemas.contacts import ContactListItem, ContactOut, ContactPage
from inyeon.core.models import AccessLog
from inyeon.customers.models import Address, Contact
from tests.api.helpers import body
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory


@pytest.fixture
def contacts(people: Personas) -> list[Contact]:
    plain = ContactFactory(owner=people.alice, primary_email="", primary_phone="", birth_date=None)
    full = ContactFactory(
        owner=people.alice,
        primary_email="minsu@example.kr",
        primary_phone="+821012345678",
        birth_date=dt.date(1990, 5, 17),
    )
    scored = ContactFactory(owner=people.alice, primary_email="jiwoo@example.kr")
    CustomerScore.objects.create(contact=scored, clv_12m=120_000, value_tier="A", r_score=5, p_alive=0.75)
    return [plain, full, scored]


@pytest.mark.parametrize("persona", ["alice", "carol", "erin", "dave", "root"])
def test_every_list_item_is_the_contacts_own_presentation(
    people: Personas, contacts: list[Contact], persona: str
) -> None:
    user = getattr(people, persona)
    client = api_client(user)
    for _ in range(2):  # compiled, then reused
        items = body(client.get("/api/v1/contacts?limit=200"))["items"]
        by_id = {item["id"]: item for item in items}
        assert {c.pk for c in contacts} <= set(by_id)
        for contact in contacts:
            expected = body_of(contact_item(Contact.objects.select_related("score").get(pk=contact.pk), user))
            assert by_id[contact.pk] == expected


def body_of(item: dict[str, object]) -> dict[str, object]:
    """`item` as the API writes it (times in RFC 3339 with `Z`)."""
    rendered = FastJSONRenderer().render(
        HttpRequest(), ContactListItem.model_validate(item), response_status=200
    )
    return dict(json.loads(rendered))


def test_the_list_logs_the_contacts_whose_personal_data_it_showed(
    people: Personas, contacts: list[Contact]
) -> None:
    body(api_client(people.alice).get("/api/v1/contacts?limit=200"))
    log = AccessLog.objects.get()
    assert sorted(log.subject_ids) == sorted(c.pk for c in contacts[1:])  # the first holds none
    assert log.detail == "api contact list"


def test_the_list_answers_as_its_documented_schema(people: Personas, contacts: list[Contact]) -> None:
    """The list is rendered without ninja's check of the answer (`api.common.prebuilt`): it must
    still be exactly what the schema in the OpenAPI document says, page after page."""
    client = api_client(people.alice)
    response = client.get("/api/v1/contacts?limit=2")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    page = body(response)
    assert (
        ContactPage.model_validate(page).model_dump(mode="json")["items"][0]["id"] == page["items"][0]["id"]
    )
    assert page["next_cursor"]
    rest = body(client.get(f"/api/v1/contacts?limit=2&cursor={page['next_cursor']}"))
    ContactPage.model_validate(rest)
    seen = [item["id"] for item in page["items"] + rest["items"]]
    assert sorted(seen) == sorted(c.pk for c in contacts)


@pytest.mark.parametrize("persona", ["alice", "erin"])
def test_the_detail_answers_as_its_documented_schema(
    people: Personas, contacts: list[Contact], persona: str
) -> None:
    """The detail is rendered without ninja's check of the answer too: it must be what checking
    `contact_detail` against `ContactOut` and rendering it gives, keys included."""
    user = getattr(people, persona)
    Address.objects.create(contact=contacts[1], postal_code="06236", city="강남구", line1="테헤란로 1")
    Address.objects.create(contact=contacts[1], line1="Main St 2", country="US")
    client = api_client(user)
    for contact in contacts:
        response = client.get(f"/api/v1/contacts/{contact.pk}")
        assert response.status_code == 200
        assert response["ETag"] == f'"{contact.version}"'
        checked = ContactOut.model_validate(contact_detail(Contact.objects.get(pk=contact.pk), user))
        rendered = FastJSONRenderer().render(HttpRequest(), checked, response_status=200)
        assert body(response) == json.loads(rendered)
    shown = body(client.get(f"/api/v1/contacts/{contacts[1].pk}"))["addresses"]
    masked = persona == "erin"  # an analyst sees no personal data
    assert shown == (["•••", "•••"] if masked else ["06236 강남구 테헤란로 1", "Main St 2"])
