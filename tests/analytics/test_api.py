"""Scores in the contact API, score filters and sorts, the analytics summaries and the score trigger."""

from __future__ import annotations

from inyeon.analytics import services
from inyeon.analytics.models import CustomerScore, ScoringRun
from tests.analytics.conftest import AS_OF, Base
from tests.conftest import Personas, api_client


def score() -> ScoringRun:
    return services.scoring_execute(ScoringRun.objects.create(as_of=AS_OF))


def test_contact_detail_and_list_carry_the_scores(base: Base, people: Personas) -> None:
    client = api_client(people.bob)
    assert client.get(f"/api/v1/contacts/{base.lapsed.pk}").json()["scores"] is None
    score()
    body = client.get(f"/api/v1/contacts/{base.lapsed.pk}").json()
    s = CustomerScore.objects.get(contact=base.lapsed)
    assert body["scores"]["segment"] == s.segment
    assert body["scores"]["frequency"] == 3 and body["scores"]["lifecycle_stage"] == "churned"
    assert body["scores"]["clv_12m"] == s.clv_12m
    items = client.get("/api/v1/contacts", {"limit": 200}).json()["items"]
    assert all(item["scores"] is not None for item in items)


def test_the_list_filters_and_sorts_by_scores(base: Base, people: Personas) -> None:
    score()
    client = api_client(people.root)
    body = client.get("/api/v1/contacts", {"sort": "-score.customer_equity", "limit": 5}).json()
    equity = [item["scores"]["customer_equity"] for item in body["items"]]
    assert equity == sorted(equity, reverse=True) and body["next_cursor"]
    top = CustomerScore.objects.order_by("-customer_equity", "-contact_id").first()
    assert top is not None and body["items"][0]["id"] == top.contact_id
    tier_a = client.get("/api/v1/contacts", {"value_tier": "A", "limit": 200}).json()["items"]
    assert {i["id"] for i in tier_a} == set(
        CustomerScore.objects.filter(value_tier="A").values_list("contact_id", flat=True)
    )
    alive = client.get("/api/v1/contacts", {"p_alive_min": 0.9, "limit": 200}).json()["items"]
    assert alive and all(i["scores"]["p_alive"] >= 0.9 for i in alive)


def test_bad_score_filters_name_the_field(base: Base, people: Personas) -> None:
    client = api_client(people.root)
    problem = client.get("/api/v1/contacts", {"value_tier": "Z"}).json()
    assert "value_tier" in str(problem)
    response = client.get("/api/v1/contacts", {"r_score": 9})
    assert response.status_code == 422 and "r_score" in response.content.decode()
    response = client.get("/api/v1/contacts", {"sort": "score.nonsense"})
    assert response.status_code == 422 and "sort" in response.content.decode()


def test_the_summary_and_the_runs(base: Base, people: Personas) -> None:
    client = api_client(people.erin)
    assert client.get("/api/v1/analytics/summary").json()["figures"] is None
    run = score()
    body = client.get("/api/v1/analytics/summary").json()
    assert body["run"]["id"] == run.pk and body["run"]["status"] == "done"
    assert sum(map(sum, body["figures"]["rfm_grid"]["customers"])) == 62
    assert body["figures"]["funnel"]["prospect"] == 3
    assert body["segment_labels"]["champions"] in {"Champions", "최우수 고객"}
    assert set(body["run"]["params"]) == {"bgnbd", "gamma_gamma"}
    one = client.get(f"/api/v1/analytics/runs/{run.pk}").json()
    assert one["progress"] == 100 and one["customers"] == 65


def test_a_rep_gets_figures_over_their_own_customers(base: Base, people: Personas) -> None:
    score()
    grid = api_client(people.alice).get("/api/v1/analytics/summary").json()["figures"]["rfm_grid"]
    mine = CustomerScore.objects.filter(contact__owner=people.alice).exclude(r_score=0).count()
    assert sum(map(sum, grid["customers"])) == mine


def test_the_trigger_queues_a_run_for_analysts_only(people: Personas) -> None:
    response = api_client(people.erin).post("/api/v1/analytics/runs")
    assert response.status_code == 202
    run = ScoringRun.objects.get()
    assert response["Location"] == f"/api/v1/analytics/runs/{run.pk}"
    assert response.json()["status"] == "queued"
    assert api_client(people.alice).post("/api/v1/analytics/runs").status_code == 403
    assert ScoringRun.objects.count() == 1


def test_migration_needs_two_runs_and_then_counts_every_buyer(base: Base, people: Personas) -> None:
    client = api_client(people.root)
    score()
    response = client.get("/api/v1/analytics/migration")
    assert response.status_code == 422 and "from_run" in response.content.decode()
    score()
    body = client.get("/api/v1/analytics/migration").json()
    assert sum(map(sum, body["matrix"])) == 62
    # Unchanged data: everyone stays in their segment (the diagonal).
    assert sum(body["matrix"][i][i] for i in range(len(body["segments"]))) == 62
