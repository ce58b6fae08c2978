"""/api/v1/opportunities and /api/v1/pipelines: filters, cursor, ETag, stale writes, moves,
problem+json, visibility across teams, admin-only pipeline shaping, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from inyeon.sales.models import Opportunity, Pipeline, StageKind
from tests.api.helpers import PROBLEM, body, error_fields, patch, post, walk
from tests.conftest import Personas, api_client
from tests.sales.factories import make_opportunity, reason, stage, won_stage

pytestmark = pytest.mark.django_db

OPPS = "/api/v1/opportunities"
PIPELINES = "/api/v1/pipelines"


def test_create_then_read_with_an_etag_and_history(people: Personas) -> None:
    client = api_client(people.alice)
    created = post(client, OPPS, {"name": "클라우드 전환", "amount": 30_000_000, "close_date": "2099-06-30"})
    assert created.status_code == 201 and created["Location"].startswith(OPPS)
    opp_id = body(created)["id"]
    got = client.get(f"{OPPS}/{opp_id}")
    assert got["ETag"] == '"1"'
    data = body(got)
    assert data["stage_id"] == stage(1).pk and data["probability"] == 10 and data["status"] == "open"
    assert [h["to_stage_id"] for h in data["history"]] == [stage(1).pk]


def test_create_names_every_bad_field(people: Personas) -> None:
    response = post(
        api_client(people.alice), OPPS, {"name": "", "amount": -1, "currency": "ZZZ", "probability": 150}
    )
    assert response.status_code == 422
    assert error_fields(response) == {"name", "amount", "currency", "probability"}


def test_patch_with_a_stale_if_match_is_412_and_a_stale_version_is_409(people: Personas) -> None:
    client = api_client(people.alice)
    opp = make_opportunity(people.alice)
    ok = patch(client, f"{OPPS}/{opp.pk}", {"amount": 7}, **{"If-Match": '"1"'})
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale_header = patch(client, f"{OPPS}/{opp.pk}", {"amount": 8}, **{"If-Match": '"1"'})
    assert stale_header.status_code == 412 and stale_header["Content-Type"] == PROBLEM
    stale_body = patch(client, f"{OPPS}/{opp.pk}", {"amount": 9, "version": 1})
    assert stale_body.status_code == 409 and body(stale_body)["current_version"] == 2
    assert Opportunity.objects.get(pk=opp.pk).amount == 7


def test_move_is_checked_and_closes_with_a_reason(people: Personas) -> None:
    client = api_client(people.alice)
    opp = make_opportunity(people.alice)
    missing = post(client, f"{OPPS}/{opp.pk}/move", {"stage_id": won_stage().pk})
    assert missing.status_code == 422 and error_fields(missing) == {"close_reason_id"}
    won = post(
        client,
        f"{OPPS}/{opp.pk}/move",
        {"stage_id": won_stage().pk, "close_reason_id": reason("won").pk, "version": 1},
    )
    assert won.status_code == 200
    data = body(won)
    assert data["status"] == StageKind.WON and data["forecast_category"] == "closed" and data["closed_at"]
    assert len(data["history"]) == 2
    stale = post(client, f"{OPPS}/{opp.pk}/move", {"stage_id": stage(4).pk}, **{"If-Match": '"1"'})
    assert stale.status_code == 412


def test_another_teams_opportunity_is_a_404_everywhere(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    client = api_client(people.oscar)
    assert client.get(f"{OPPS}/{opp.pk}").status_code == 404
    assert patch(client, f"{OPPS}/{opp.pk}", {"amount": 1}).status_code == 404
    assert post(client, f"{OPPS}/{opp.pk}/move", {"stage_id": stage(2).pk}).status_code == 404
    assert client.delete(f"{OPPS}/{opp.pk}").status_code == 404
    assert body(client.get(OPPS))["items"] == []
    assert Opportunity.objects.get(pk=opp.pk).version == 1


def test_the_list_filters_and_pages_with_a_capped_query_count(
    people: Personas, django_assert_max_num_queries: Any
) -> None:
    ids = [
        make_opportunity(people.alice, name=f"건 {i}", close_date=f"2099-0{1 + i % 3}-15").pk
        for i in range(9)
    ]
    make_opportunity(people.bob)
    client = api_client(people.carol)
    assert sorted(walk(client, OPPS, owner_id=people.alice.pk, limit=4)) == sorted(ids)
    in_feb = body(
        client.get(OPPS, {"close_from": "2099-02-01", "close_to": "2099-02-28", "team_id": people.gangnam.pk})
    )
    assert len(in_feb["items"]) == 3
    with django_assert_max_num_queries(8):
        assert client.get(OPPS, {"limit": 50}).status_code == 200
    bad = client.get(OPPS, {"status": "maybe"})
    assert bad.status_code == 422 and error_fields(bad) == {"status"}


def test_delete_with_if_match(people: Personas) -> None:
    client = api_client(people.alice)
    opp = make_opportunity(people.alice)
    assert client.delete(f"{OPPS}/{opp.pk}", headers={"If-Match": '"9"'}).status_code == 412
    assert client.delete(f"{OPPS}/{opp.pk}", headers={"If-Match": '"1"'}).status_code == 204
    assert not Opportunity.objects.filter(pk=opp.pk).exists()


def test_pipelines_list_stages_moves_and_reasons(people: Personas) -> None:
    data = body(api_client(people.alice).get(PIPELINES))
    default = data["items"][0]
    assert default["is_default"] and len(default["stages"]) == 6 and default["transitions"]
    assert {r["kind"] for r in data["close_reasons"]} == {"won", "lost"}


def test_only_admins_create_and_reshape_pipelines(people: Personas) -> None:
    shape = {
        "name_ko": "갱신",
        "stages": [
            {"name_ko": "시작", "position": 1, "probability": 10, "kind": "open"},
            {"name_ko": "갱신", "position": 2, "probability": 100, "kind": "won"},
            {"name_ko": "해지", "position": 3, "probability": 0, "kind": "lost"},
        ],
        "transitions": [[1, 2], [1, 3]],
    }
    assert post(api_client(people.carol), PIPELINES, shape).status_code == 403
    created = post(api_client(people.root), PIPELINES, shape)
    assert created.status_code == 201
    pid = body(created)["id"]
    bad = {**shape, "stages": [{**s, "kind": "open"} for s in shape["stages"]]}
    response = api_client(people.root).put(f"{PIPELINES}/{pid}", data=bad, content_type="application/json")
    assert response.status_code == 422 and "stages" in error_fields(response)
    assert Pipeline.objects.get(pk=pid).stages.filter(kind="won").count() == 1


def test_openapi_documents_the_sales_endpoints(db: None) -> None:
    paths = body(Client().get("/api/v1/openapi.json"))["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/opportunities"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/opportunities/{opportunity_id}"])
    assert {"409", "412", "422"} <= set(
        paths["/api/v1/opportunities/{opportunity_id}/move"]["post"]["responses"]
    )
    assert {"get", "post"} <= set(paths["/api/v1/pipelines"])
