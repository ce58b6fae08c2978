"""Personal data in API answers: masked for roles without the right, logged when shown unmasked."""

from __future__ import annotations

import json

import pytest

from inyeon.core.models import AccessLog
from tests.api.helpers import body, patch, post
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory

URL = "/api/v1/contacts"


@pytest.fixture
def minsu(people: Personas) -> object:
    return ContactFactory(
        owner=people.bob,
        family_name="김",
        given_name="민수",
        display_name="김민수",
        search_name="김민수",
        search_given="민수",
        name_initials="ㄱㅁㅅ",
        primary_email="minsu@example.kr",
        primary_phone="+821012345678",
    )


@pytest.mark.parametrize("persona", ["dave", "erin", "rita"])
def test_personal_data_is_masked_in_the_list_for_roles_without_the_right(
    people: Personas, minsu: object, persona: str
) -> None:
    items = body(api_client(getattr(people, persona)).get(URL))["items"]
    item = next(c for c in items if c["id"] == minsu.pk)  # type: ignore[attr-defined]
    assert item["pii_masked"] is True
    assert item["email"] == "m•••@example.kr"
    assert item["phone"].startswith("+82•••") and "12345678" not in item["phone"]
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["dave", "erin", "rita"])
def test_personal_data_is_masked_in_the_detail_for_roles_without_the_right(
    people: Personas, minsu: object, persona: str
) -> None:
    detail = body(api_client(getattr(people, persona)).get(f"{URL}/{minsu.pk}"))  # type: ignore[attr-defined]
    text = json.dumps(detail, ensure_ascii=False)
    assert "minsu@example.kr" not in text and "12345678" not in text and "05-17" not in text
    assert detail["birth_date"] == "1990-**-**"
    assert detail["emails"] == ["m•••@example.kr"]
    assert detail["pii_masked"] is True
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["dave", "erin", "rita"])
@pytest.mark.parametrize("q", ["김민", "ㄱㅁㅅ"])
def test_personal_data_is_masked_in_search_results(
    people: Personas, minsu: object, persona: str, q: str
) -> None:
    items = body(api_client(getattr(people, persona)).get(URL, {"q": q}))["items"]
    assert [c["id"] for c in items] == [minsu.pk]  # type: ignore[attr-defined]
    assert "minsu@example.kr" not in json.dumps(items)
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["dave", "erin", "rita"])
@pytest.mark.parametrize("q", ["minsu@", "minsu@example.kr", "010-1234"])
def test_roles_with_masked_data_cannot_search_by_personal_data(
    people: Personas, minsu: object, persona: str, q: str
) -> None:
    assert body(api_client(getattr(people, persona)).get(URL, {"q": q}))["items"] == []


def test_an_owner_sees_personal_data_unmasked(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, primary_email="minsu@example.kr")
    client = api_client(people.alice)
    assert body(client.get(URL))["items"][0]["email"] == "minsu@example.kr"
    detail = body(client.get(f"{URL}/{contact.pk}"))
    assert detail["email"] == "minsu@example.kr" and detail["birth_date"] == "1990-05-17"
    assert detail["pii_masked"] is False


def test_an_unmasked_detail_is_logged_with_who_where_and_which_subject(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    api_client(people.alice).get(f"{URL}/{contact.pk}", REMOTE_ADDR="10.1.2.3")
    log = AccessLog.objects.get()
    assert (log.actor, log.subject_type, log.subject_ids) == (people.alice, "contact", [contact.pk])
    assert (log.ip, log.action) == ("10.1.2.3", "api")


def test_an_unmasked_list_logs_every_contact_on_the_page(people: Personas) -> None:
    ids = {ContactFactory(owner=people.alice).pk for _ in range(3)}
    api_client(people.alice).get(URL)
    log = AccessLog.objects.get()
    assert set(log.subject_ids) == ids and log.action == "api"


def test_an_unmasked_search_is_logged_with_its_query(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, family_name="김", given_name="민수")
    api_client(people.alice).get(URL, {"q": "김민"})
    log = AccessLog.objects.get()
    assert log.subject_ids == [contact.pk] and "q=김민" in log.detail


def test_an_empty_page_logs_nothing(people: Personas) -> None:
    api_client(people.alice).get(URL)
    assert not AccessLog.objects.exists()


def test_creating_and_changing_a_contact_log_the_data_shown_back(people: Personas) -> None:
    client = api_client(people.alice)
    contact_id = body(post(client, URL, {"display_name": "김민수", "emails": ["m@example.kr"]}))["id"]
    patch(client, f"{URL}/{contact_id}", {"job_title": "과장"})
    assert list(AccessLog.objects.values_list("subject_ids", flat=True)) == [[contact_id], [contact_id]]
