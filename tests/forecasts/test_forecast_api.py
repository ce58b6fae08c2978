"""The forecast, target, incentive-plan, payout and dashboard API: house errors and visibility."""

from __future__ import annotations

import pytest

from tests.api.helpers import PROBLEM, body, error_fields, patch, post
from tests.conftest import Personas, api_client
from tests.forecasts.factories import opp

pytestmark = pytest.mark.django_db


def test_the_forecast_rolls_up_and_drills_down_by_level(people: Personas) -> None:
    opp(people.alice, 1_000_000, category="commit", probability=50)
    opp(people.bob, 2_000_000, status="won")
    client = api_client(people.carol)
    company = body(client.get("/api/v1/forecast", {"period": "2026-Q4"}))
    assert company["period"] == {
        "key": "2026-Q4",
        "kind": "quarter",
        "start": "2026-10-01",
        "end": "2026-12-31",
    }
    assert company["total"]["weighted"] == 2_500_000 and company["currency"] == "KRW"
    seoul = company["rows"][0]
    assert seoul["name"] == "Seoul" and "level=team" in seoul["drill"]
    region = body(client.get(seoul["drill"]))
    assert [r["name"] for r in region["rows"]] == ["Gangnam", "Mapo", "carol"]
    gangnam = body(client.get(region["rows"][0]["drill"]))
    alice = next(r for r in gangnam["rows"] if r["name"] == "alice")
    rep = body(client.get(alice["drill"]))
    assert [o["amount"] for o in rep["opportunities"]] == [1_000_000]
    assert rep["total"]["forecast_commit"] == 1_000_000


def test_forecast_errors_are_problems_naming_the_field_and_other_teams_are_404(people: Personas) -> None:
    client = api_client(people.oscar)
    bad = client.get("/api/v1/forecast", {"period": "2026-13"})
    assert bad.status_code == 422 and error_fields(bad) == {"period"}
    assert error_fields(client.get("/api/v1/forecast", {"level": "moon"})) == {"level"}
    hidden = client.get("/api/v1/forecast", {"level": "team", "team_id": people.gangnam.pk})
    assert hidden.status_code == 404 and hidden["Content-Type"] == PROBLEM
    assert client.get("/api/v1/forecast", {"level": "rep", "user_id": people.alice.pk}).status_code == 404


def test_targets_crud_with_versions_and_visibility(people: Personas) -> None:
    carol = api_client(people.carol)
    created = post(
        carol, "/api/v1/targets", {"user_id": people.alice.pk, "period": "2026-Q4", "amount": 5_000_000}
    )
    assert created.status_code == 201, created.content
    target = body(created)
    assert target["period"] == "2026-Q4" and created["ETag"] == '"1"'
    bad = post(carol, "/api/v1/targets", {"user_id": people.oscar.pk, "period": "2026-Q4", "amount": 0})
    assert bad.status_code == 422 and error_fields(bad) == {"user_id", "amount"}
    assert post(api_client(people.alice), "/api/v1/targets", {"user_id": people.bob.pk}).status_code == 403
    url = f"/api/v1/targets/{target['id']}"
    opp(people.alice, 1_000_000, status="won")
    detail = body(api_client(people.alice).get(url))
    assert detail["attained"] == 1_000_000 and detail["attainment_pct"] == "20.00"
    assert api_client(people.bob).get(url).status_code == 404
    assert api_client(people.oscar).get(url).status_code == 404
    changed = patch(carol, url, {"amount": 4_000_000}, **{"If-Match": '"1"'})
    assert changed.status_code == 200 and body(changed)["amount"] == 4_000_000
    assert patch(carol, url, {"amount": 1}, **{"If-Match": '"1"'}).status_code == 412
    assert patch(carol, url, {"amount": 1, "version": 1}).status_code == 409
    listed = body(api_client(people.alice).get("/api/v1/targets", {"period": "2026-Q4"}))
    assert [t["id"] for t in listed["items"]] == [target["id"]]
    assert body(api_client(people.oscar).get("/api/v1/targets"))["items"] == []
    assert api_client(people.alice).delete(url).status_code == 403
    assert carol.delete(url).status_code == 204


def test_plans_assignments_and_payouts_through_the_api(people: Personas) -> None:
    root = api_client(people.root)
    plan = body(
        post(
            root,
            "/api/v1/incentive-plans",
            {"name": "Q 커미션", "kind": "attainment", "rates": [{"from_pct": 0, "rate": "3"}]},
        )
    )
    bad = post(
        root,
        "/api/v1/incentive-plans",
        {"name": "x", "kind": "attainment", "rates": [{"from_pct": 0, "rate": "x"}]},
    )
    assert error_fields(bad) == {"rates[0].rate"}
    base = f"/api/v1/incentive-plans/{plan['id']}"
    for rep in (people.alice, people.oscar):
        assert (
            post(root, f"{base}/assignments", {"user_id": rep.pk, "valid_from": "2026-01-01"}).status_code
            == 201
        )
        opp(rep, 1_000_000, status="won")
    assert error_fields(post(root, f"{base}/payouts", {})) == {"period"}
    statements = body(post(root, f"{base}/payouts", {"period": "2026-Q4"}))
    assert [s["amount_total"] for s in statements] == [30_000, 30_000]
    alices = next(s for s in statements if s["user_id"] == people.alice.pk)
    detail = body(api_client(people.alice).get(f"/api/v1/payouts/{alices['id']}"))
    assert detail["lines"][0]["base"] == 1_000_000 and detail["lines"][0]["rate"] == "3.000"
    assert api_client(people.oscar).get(f"/api/v1/payouts/{alices['id']}").status_code == 404
    assert [s["user_id"] for s in body(api_client(people.carol).get("/api/v1/payouts"))["items"]] == [
        people.alice.pk
    ]
    assert api_client(people.alice).get(base).status_code == 200  # her plan
    assert api_client(people.bob).get(base).status_code == 404
    assert post(api_client(people.alice), f"{base}/payouts", {"period": "2026-Q4"}).status_code == 403


def test_dashboard_figures_follow_visibility(people: Personas) -> None:
    opp(people.alice, 1_000_000, category="commit", probability=50)
    opp(people.oscar, 7_000_000, category="commit", probability=50)
    mine = body(api_client(people.alice).get("/api/v1/forecast/dashboard", {"period": "2026-Q4"}))
    assert [d["amount"] for d in mine["top_deals"]] == [1_000_000]
    assert mine["stages"][0]["weighted"] == 500_000
    everything = body(api_client(people.root).get("/api/v1/forecast/dashboard", {"period": "2026-Q4"}))
    assert [d["amount"] for d in everything["top_deals"]] == [7_000_000, 1_000_000]
    assert len(body(api_client(people.root).get("/api/v1/forecast/dashboard"))["versus"]) == 2
