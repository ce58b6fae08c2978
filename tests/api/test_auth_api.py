"""Bearer tokens, the web session with CSRF, and what an unauthenticated client is told."""

from __future__ import annotations

from django.test import Client

from inyeon.core.services import token_create, token_revoke
from inyeon.customers.models import Contact
from tests.api.helpers import PROBLEM, body, post
from tests.conftest import Personas, api_client, login
from tests.factories import ContactFactory

URL = "/api/v1/contacts"


def test_it_needs_credentials(people: Personas) -> None:
    response = Client().get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = body(response)
    assert problem["status"] == 401 and problem["type"].endswith("/unauthenticated")
    assert problem["title"] and problem["detail"]


def test_an_unknown_token_is_refused(people: Personas) -> None:
    client = Client(headers={"Authorization": "Bearer iny_not-a-real-token"})
    assert client.get(URL).status_code == 401


def test_a_revoked_token_is_refused(people: Personas) -> None:
    token, raw = token_create(user=people.alice)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(URL).status_code == 200
    token_revoke(token=token)
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_the_token_of_a_deactivated_user_is_refused(people: Personas) -> None:
    client = api_client(people.alice)
    assert client.get(URL).status_code == 200  # now remembered by this process
    people.alice.is_active = False
    people.alice.save(update_fields=["is_active"])
    assert client.get(URL).status_code == 401


def test_a_bad_token_is_refused_even_with_a_valid_session(people: Personas) -> None:
    client = login(people.alice)
    assert client.get(URL, headers={"Authorization": "Bearer iny_revoked"}).status_code == 401


def test_me_describes_the_token_owner(people: Personas) -> None:
    data = body(api_client(people.dave).get("/api/v1/me"))
    assert data["username"] == "dave"
    assert data["role"] == "marketer"
    assert data["team_id"] == people.seoul.pk
    assert data["sees_personal_data"] is False
    assert body(api_client(people.alice).get("/api/v1/me"))["sees_personal_data"] is True


def test_the_web_session_may_read(people: Personas) -> None:
    mine = ContactFactory(owner=people.alice)
    response = login(people.alice).get(URL)
    assert response.status_code == 200
    assert [c["id"] for c in body(response)["items"]] == [mine.pk]


def test_a_session_write_without_the_csrf_token_is_refused(people: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    response = post(client, URL, {"display_name": "김민수"})
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert body(response)["type"].endswith("/csrf")
    assert not Contact.objects.exists()


def test_a_session_write_with_the_csrf_token_is_accepted(people: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    token = "k" * 32  # what the web pages' CSRF cookie holds
    client.cookies["csrftoken"] = token
    response = post(client, URL, {"display_name": "김민수"}, **{"X-CSRFToken": token})
    assert response.status_code == 201


def test_a_token_write_needs_no_csrf_token(people: Personas) -> None:
    _, raw = token_create(user=people.alice)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    assert post(client, URL, {"display_name": "김민수"}).status_code == 201


def test_an_anonymous_write_is_a_401_not_a_csrf_failure(people: Personas) -> None:
    response = post(Client(enforce_csrf_checks=True), URL, {"display_name": "김민수"})
    assert response.status_code == 401


def test_the_users_own_language_setting_applies_to_token_requests(people: Personas) -> None:
    people.alice.language = "ko"
    people.alice.save(update_fields=["language"])
    client = api_client(people.alice)
    response = post(client, URL, {"display_name": "X", "emails": ["bad@"]}, **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert body(response)["title"] == "요청에 올바르지 않은 항목이 있습니다."
