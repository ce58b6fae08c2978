"""End to end: a manager sets a target in Korean and drills the forecast down to a rep's deal."""

from __future__ import annotations

import pytest
from django.utils import timezone

from inyeon.core.services import team_ensure, user_create
from inyeon.forecasts.models import Target
from inyeon.forecasts.periods import period_containing
from tests.forecasts.factories import opp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _default_pipeline() -> None:
    """A transactional test before this one may have flushed the pipeline the data migration made."""
    import importlib

    from django.apps import apps

    from inyeon.sales.models import Pipeline

    if not Pipeline.objects.exists():
        importlib.import_module("inyeon.sales.migrations.0002_default_pipeline").create(apps, None)


def test_a_manager_sets_a_target_and_drills_the_forecast_down_to_a_deal(
    page: object, live_server: object
) -> None:
    _default_pipeline()
    region = team_ensure(name="서울 지역")
    gangnam = team_ensure(name="강남팀", parent=region)
    user_create(username="boss", password="a long demo password 1", role="manager", team=region)
    rep = user_create(username="minji", password="a long demo password 1", role="sales_rep", team=gangnam)
    quarter = period_containing(timezone.localdate())
    opp(rep, 30_000_000, category="commit", probability=75, name="병원 ERP 도입", close_date=quarter.start)
    base = live_server.url  # type: ignore[attr-defined]
    pg = page  # playwright Page

    pg.goto(f"{base}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "boss")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 1")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/")  # type: ignore[attr-defined]

    pg.click("nav.mainnav a:has-text('예측')")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1:has-text('영업 대시보드')")  # type: ignore[attr-defined]
    assert "병원 ERP 도입" in pg.content()  # type: ignore[attr-defined]

    pg.click("p.tabs a:has-text('목표')")  # type: ignore[attr-defined]
    pg.select_option("#id_subject", label="minji")  # type: ignore[attr-defined]
    pg.fill("#id_amount", "40000000")  # type: ignore[attr-defined]
    pg.click("form.form button.primary")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=목표를 저장했습니다.")  # type: ignore[attr-defined]
    assert Target.objects.get().amount == 40_000_000

    pg.click("p.tabs a:has-text('예측 집계')")  # type: ignore[attr-defined]
    pg.click("table a:has-text('서울 지역')")  # type: ignore[attr-defined]
    pg.click("table a:has-text('강남팀')")  # type: ignore[attr-defined]
    pg.click("table a:has-text('minji')")  # type: ignore[attr-defined]
    pg.wait_for_selector("td:has-text('병원 ERP 도입')")  # type: ignore[attr-defined]
    assert "₩22,500,000" in pg.content()  # type: ignore[attr-defined]
