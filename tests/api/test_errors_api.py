"""Every error is RFC 9457 problem+json, names each bad field and speaks the request's language."""

from __future__ import annotations

from django.test import Client

from inyeon.core.models import AuditLog
from inyeon.customers.models import Contact, ContactEmail
from tests.api.helpers import PROBLEM, body, error_fields, post
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory

URL = "/api/v1/contacts"
EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


def test_bad_fields_are_all_named_and_nothing_is_written(people: Personas) -> None:
    client = api_client(people.alice)
    before = (Contact.objects.count(), ContactEmail.objects.count(), AuditLog.objects.count())
    response = post(client, URL, {"display_name": "홍길동", "emails": ["bad@"], "phones": ["12"]}, **EN)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = body(response)
    assert problem["type"] == "https://inyeon.dev/problems/validation"
    assert problem["status"] == 422
    assert problem["title"] == "The request has invalid fields."
    assert "emails[0]" in problem["detail"] and "phones[0]" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["emails[0]", "phones[0]"]
    assert "e-mail" in problem["errors"][0]["message"]
    assert (Contact.objects.count(), ContactEmail.objects.count(), AuditLog.objects.count()) == before


def test_errors_come_in_korean_when_asked(people: Personas) -> None:
    response = post(api_client(people.alice), URL, {"display_name": "홍길동", "emails": ["bad@"]}, **KO)
    problem = body(response)
    assert problem["title"] == "요청에 올바르지 않은 항목이 있습니다."
    assert "이메일" in problem["errors"][0]["message"]
    assert response["Content-Language"] == "ko"


def test_nested_fields_are_named_by_their_path(people: Personas) -> None:
    response = post(
        api_client(people.alice),
        URL,
        {"display_name": "홍길동", "addresses": [{"city": "서울", "country": "Korea"}]},
    )
    assert error_fields(response) == {"addresses[0].line1", "addresses[0].country"}


def test_a_schema_type_error_names_the_field_in_the_users_language(people: Personas) -> None:
    client = api_client(people.alice)
    response = post(client, URL, {"display_name": "X", "account_id": "abc", "emails": "a@b.kr"}, **EN)
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in body(response)["errors"]}
    assert messages == {"account_id": "Enter a whole number.", "emails": "Enter a list."}
    korean = post(client, URL, {"display_name": "X", "account_id": "abc"}, **KO)
    assert body(korean)["errors"][0]["message"] == "정수를 입력하세요."


def test_a_query_parameter_error_speaks_korean_too(people: Personas) -> None:
    response = api_client(people.alice).get(URL, {"limit": 500}, headers=KO)
    assert body(response)["errors"] == [{"field": "limit", "message": "200 이하의 값을 입력해 주세요."}]


def test_a_body_that_is_not_json_is_a_400_problem(people: Personas) -> None:
    response = api_client(people.alice).post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert error_fields(response) == {"__all__"}


def test_a_body_that_is_not_an_object_is_a_422_problem(people: Personas) -> None:
    response = post(api_client(people.alice), URL, ["김민수"])
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_not_found_is_a_problem(people: Personas) -> None:
    response = api_client(people.alice).get(f"{URL}/424242", headers=KO)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert body(response)["title"] == "찾을 수 없습니다."


def test_a_path_the_api_does_not_have_is_a_problem(people: Personas) -> None:
    response = api_client(people.alice).get("/api/v1/nothing-here")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert Client().post("/api/v1/nothing/here").status_code == 404
    assert api_client(people.alice).get("/api/v1/")["Content-Type"] == PROBLEM


def test_a_method_the_path_does_not_have_is_a_405_problem(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = api_client(people.alice).put(f"{URL}/{contact.pk}", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH", "DELETE"}


def test_forbidden_is_a_problem_in_the_users_language(people: Personas) -> None:
    response = post(api_client(people.erin), URL, {"display_name": "X"}, **KO)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert body(response)["title"] == "허용되지 않습니다."


def test_an_unexpected_failure_is_a_500_problem_without_internals(people: Personas, monkeypatch) -> None:
    from inyeon.customers import selectors

    def broken(**kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "contact_rows", broken)
    response = api_client(people.alice).get(URL)
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert b"secret internals" not in response.content
