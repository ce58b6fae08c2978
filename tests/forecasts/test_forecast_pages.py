"""The forecast pages: dashboard, roll-up drill-down, targets, plans and payouts, in both languages."""

from __future__ import annotations

import pytest

from inyeon.forecasts import services
from inyeon.forecasts.models import Target
from inyeon.forecasts.periods import parse_period
from tests.conftest import Personas, login
from tests.forecasts.factories import opp

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_pipeline_win_rate_and_top_deals_in_korean_and_english(people: Personas) -> None:
    opp(people.alice, 12_345_000, category="commit", probability=60, name="대형 ERP")
    opp(people.alice, 1_000_000, status="won")
    opp(people.alice, 1_000_000, status="lost")
    client = login(people.alice)
    page = client.get("/forecast/dashboard/", {"period": "2026-Q4"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pipeline by stage" in html and "대형 ERP" in html and "50.0%" in html
    assert "₩12,345,000" in html
    korean = client.get(
        "/forecast/dashboard/", {"period": "2026-Q4"}, HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "단계별 파이프라인" in korean and "수주율" in korean


def test_the_roll_up_page_drills_down_and_hides_other_teams(
    people: Personas, django_assert_max_num_queries
) -> None:
    opp(people.alice, 1_000_000, category="commit", probability=50, name="강남 딜")
    opp(people.oscar, 5_000_000, category="commit", probability=50, name="부산 딜")
    carol = login(people.carol)
    company = carol.get("/forecast/", {"period": "2026-Q4"}).content.decode()
    assert f"team_id={people.seoul.pk}" in company and "Busan" not in company
    team = carol.get("/forecast/", {"period": "2026-Q4", "level": "team", "team_id": people.gangnam.pk})
    assert f"user_id={people.alice.pk}" in team.content.decode()
    for i in range(20):
        opp(people.alice, 10_000 + i, category="pipeline")
    with django_assert_max_num_queries(25):  # fixed: visibility, sums, targets, one page of deals
        rep = carol.get("/forecast/", {"period": "2026-Q4", "level": "rep", "user_id": people.alice.pk})
    assert "강남 딜" in rep.content.decode()
    oscar = login(people.oscar)
    assert oscar.get("/forecast/", {"level": "team", "team_id": people.gangnam.pk}).status_code == 404
    assert oscar.get("/forecast/", {"level": "rep", "user_id": people.alice.pk}).status_code == 404
    bad = carol.get("/forecast/", {"period": "soon"}, follow=True)
    assert bad.status_code == 200


def test_a_manager_sets_a_target_through_the_form_and_errors_name_the_field(
    people: Personas, django_assert_max_num_queries
) -> None:
    carol = login(people.carol)
    form = carol.get("/forecast/targets/", {"period": "2026-Q4"}).content.decode()
    assert f'value="u:{people.alice.pk}"' in form and f'value="u:{people.oscar.pk}"' not in form
    bad = carol.post(
        "/forecast/targets/?period=2026-Q4",
        {"subject": f"u:{people.alice.pk}", "period": "2026-Q4", "amount": "-3", "currency": "KRW"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "The amount must be positive." in bad.content.decode()
    ok = carol.post(
        "/forecast/targets/?period=2026-Q4",
        {"subject": f"u:{people.alice.pk}", "period": "2026-Q4", "amount": "7000000", "currency": "KRW"},
    )
    assert ok.status_code == 302
    target = Target.objects.get()
    for rep in (people.bob, people.rita):
        services.target_create(data={"user_id": rep.pk, "period": "2026-Q4", "amount": 5}, actor=people.carol)
    with django_assert_max_num_queries(13):  # not one query per target (+1: the unread notifications)
        carol.get("/forecast/targets/", {"period": "2026-Q4"})
    assert (
        login(people.alice)
        .get("/forecast/targets/", {"period": "2026-Q4"})
        .content.decode()
        .count("7,000,000")
        >= 1
    )
    assert login(people.alice).post("/forecast/targets/", {}).status_code == 403
    assert login(people.bob).get(f"/forecast/targets/{target.pk}/edit/").status_code == 404
    edit = carol.post(
        f"/forecast/targets/{target.pk}/edit/", {"amount": "8000000", "currency": "KRW", "version": "1"}
    )
    assert edit.status_code == 302
    stale = carol.post(
        f"/forecast/targets/{target.pk}/edit/",
        {"amount": "9000000", "currency": "KRW", "version": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "changed this target meanwhile" in stale.content.decode()
    Target.objects.get(amount=8_000_000)


def test_plans_and_payout_pages(people: Personas) -> None:
    root = login(people.root)
    created = root.post(
        "/forecast/plans/",
        {
            "name": "밴드",
            "kind": "attainment",
            "period_kind": "quarter",
            "currency": "KRW",
            "rates": "0 = 2\n80 = 4",
        },
    )
    assert created.status_code == 302
    plan_url = created["Location"]
    broken = root.post(
        "/forecast/plans/",
        {
            "name": "x",
            "kind": "attainment",
            "period_kind": "quarter",
            "currency": "KRW",
            "rates": "no equals",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Line 1" in broken.content.decode()
    assert (
        root.post(
            plan_url, {"action": "assign", "user_id": people.alice.pk, "valid_from": "2026-01-01"}
        ).status_code
        == 302
    )
    opp(people.alice, 2_000_000, status="won")
    computed = root.post(plan_url, {"action": "compute", "period": "2026-Q4"})
    assert computed.status_code == 302
    statement = services.payout_compute(
        plan=services.IncentivePlan.objects.get(), period=parse_period("2026-Q4"), actor=people.root
    )[0]
    detail = login(people.alice).get(f"/forecast/payouts/{statement.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert detail.status_code == 200 and "₩40,000" in detail.content.decode()
    assert login(people.bob).get(f"/forecast/payouts/{statement.pk}/").status_code == 404
    assert login(people.alice).post(plan_url, {"action": "compute", "period": "2026-Q4"}).status_code == 403
    assert login(people.bob).get(plan_url).status_code == 404
