"""The leads API: capture, visibility (another team's lead is a 404), masking, problem+json errors,
concurrency, conversion, assignment, admin settings and OpenAPI."""

from __future__ import annotations

import json

import pytest

from inyeon.core.models import AccessLog
from inyeon.leads.models import Lead
from tests.conftest import Personas, api_client
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def _post(client: object, url: str, body: dict[str, object], **headers: str) -> object:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)  # type: ignore[attr-defined]


def test_capture_by_api_reports_duplicates_and_sets_the_source(people: Personas) -> None:
    first = make_lead(people.alice, email="same@example.kr")
    response = _post(
        api_client(people.alice), "/api/v1/leads", {"display_name": "Jane Roe", "email": "same@example.kr"}
    )
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["source"] == "api" and body["owner_id"] == people.alice.pk
    assert [(d["kind"], d["id"], d["reasons"]) for d in body["duplicates"]] == [("lead", first.pk, ["email"])]
    assert response["Location"] == f"/api/v1/leads/{body['id']}"  # type: ignore[index]


def test_bad_fields_are_a_problem_naming_each_field(people: Personas) -> None:
    response = _post(
        api_client(people.alice), "/api/v1/leads", {"display_name": "x", "email": "nope", "source": "tv"}
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert {e["field"] for e in response.json()["errors"]} == {"email", "source"}  # type: ignore[attr-defined]
    assert not Lead.objects.exists()


def test_another_teams_lead_is_not_found_in_detail_list_and_writes(people: Personas) -> None:
    lead = make_lead(people.oscar)
    client = api_client(people.alice)
    assert client.get(f"/api/v1/leads/{lead.pk}").status_code == 404
    assert client.get("/api/v1/leads").json()["items"] == []
    assert _post(client, f"/api/v1/leads/{lead.pk}/convert", {}).status_code == 404  # type: ignore[attr-defined]
    assert client.patch(f"/api/v1/leads/{lead.pk}", "{}", content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/leads/{lead.pk}/history").status_code == 404
    assert (
        api_client(people.carol).get(f"/api/v1/leads/{lead.pk}").status_code == 404
    )  # Busan is not under Seoul


def test_personal_data_is_masked_for_marketers_and_views_are_logged(people: Personas) -> None:
    lead = make_lead(people.alice, email="secret@example.kr", phone="010-9876-5432")
    masked = api_client(people.dave).get(f"/api/v1/leads/{lead.pk}").json()
    assert masked["pii_masked"] and masked["email"] == "s•••@example.kr" and "9876" not in masked["phone"]
    plain = api_client(people.alice).get(f"/api/v1/leads/{lead.pk}").json()
    assert plain["email"] == "secret@example.kr" and plain["phone"] == "+821098765432"
    log = AccessLog.objects.filter(subject_type="lead", actor=people.alice).first()
    assert log is not None and log.subject_ids == [lead.pk]
    assert not AccessLog.objects.filter(subject_type="lead", actor=people.dave).exists()


def test_a_stale_if_match_is_refused(people: Personas) -> None:
    lead = make_lead(people.alice)
    client = api_client(people.alice)
    ok = client.patch(
        f"/api/v1/leads/{lead.pk}",
        json.dumps({"status": "working"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = client.patch(
        f"/api/v1/leads/{lead.pk}",
        json.dumps({"status": "qualified"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412


def test_convert_by_api_and_refuse_a_second_time(people: Personas) -> None:
    lead = make_lead(people.alice, company="API상사")
    client = api_client(people.alice)
    response = _post(client, f"/api/v1/leads/{lead.pk}/convert", {"create_opportunity": True, "amount": 1000})
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == "converted" and body["converted_contact_id"] and body["converted_opportunity_id"]
    again = _post(client, f"/api/v1/leads/{lead.pk}/convert", {})
    assert again.status_code == 422  # type: ignore[attr-defined]


def test_managers_reassign_by_api_and_reps_get_403(people: Personas) -> None:
    lead = make_lead(people.alice)
    assert (
        _post(
            api_client(people.alice), f"/api/v1/leads/{lead.pk}/assign", {"owner_id": people.bob.pk}
        ).status_code
        == 403
    )  # type: ignore[attr-defined]
    response = _post(api_client(people.carol), f"/api/v1/leads/{lead.pk}/assign", {"owner_id": people.bob.pk})
    assert response.status_code == 200 and response.json()["owner_id"] == people.bob.pk  # type: ignore[attr-defined]


def test_settings_are_for_admins_only(people: Personas) -> None:
    assert api_client(people.carol).get("/api/v1/leads/scoring-rules").status_code == 403
    admin = api_client(people.root)
    rule = _post(
        admin,
        "/api/v1/leads/scoring-rules",
        {"label": "Has phone", "field": "phone", "operator": "present", "points": 4},
    )
    assert rule.status_code == 201  # type: ignore[attr-defined]
    form = _post(admin, "/api/v1/leads/forms", {"name": "Website", "owner_id": people.alice.pk})
    assert form.status_code == 201 and form.json()["url"].startswith("/forms/lead/")  # type: ignore[attr-defined]
    bad = _post(admin, "/api/v1/leads/assignment-rules", {"name": "x", "strategy": "round_robin"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "team_id"  # type: ignore[attr-defined]
    hours = admin.put(
        f"/api/v1/leads/working-hours/{people.alice.pk}",
        json.dumps({"weekdays": "01234", "start": "09:00", "end": "18:00"}),
        content_type="application/json",
    )
    assert hours.status_code == 200 and hours.json()["weekdays"] == "01234"
    model = _post(admin, "/api/v1/leads/score-model", {})
    assert model.json() == {"trained": False, "outcomes": 0, "won": 0, "in_use": False, "min_outcomes": 50}  # type: ignore[attr-defined]


def test_the_list_filters_and_caps_its_queries(
    people: Personas, django_assert_max_num_queries: object
) -> None:
    for i in range(30):
        make_lead(people.alice, email=f"q{i}@example.kr", source="event" if i % 2 else "manual")
    client = api_client(people.alice)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        page = client.get("/api/v1/leads?source=event&limit=10").json()
    assert len(page["items"]) == 10 and {i["source"] for i in page["items"]} == {"event"}
    rest = client.get(f"/api/v1/leads?source=event&limit=10&cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None
    assert client.get("/api/v1/leads?status=bogus").status_code == 422


def test_openapi_documents_the_lead_endpoints(people: Personas) -> None:
    paths = api_client(people.alice).get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/leads", "/api/v1/leads/{lead_id}/convert", "/api/v1/leads/forms"} <= set(paths)
