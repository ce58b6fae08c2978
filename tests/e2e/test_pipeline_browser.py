"""In a real browser: a rep drags a card on the pipeline board to the next column; a refused drop puts
the card back with the reason shown."""

from __future__ import annotations

import pytest

from inyeon.core.services import team_ensure, user_create
from inyeon.sales.models import Opportunity, StageTransition
from inyeon.sales.selectors import pipeline_default
from inyeon.sales.services import opportunity_create
from tests.sales.factories import ensure_default_pipeline

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rep_drags_a_card_to_the_next_column_and_a_refused_move_goes_back(
    page: object, live_server: object
) -> None:
    ensure_default_pipeline()
    team = team_ensure(name="강남팀")
    rep = user_create(username="jiwoo", password="a long demo password 1", role="sales_rep", team=team)
    opp = opportunity_create(data={"name": "스마트팩토리 구축", "amount": 12_000_000}, actor=rep)
    other = opportunity_create(data={"name": "보안 점검", "amount": 3_000_000}, actor=rep)
    stages = list(pipeline_default().stages.order_by("position"))
    StageTransition.objects.filter(from_stage=stages[0], to_stage=stages[2]).delete()
    base = live_server.url  # type: ignore[attr-defined]
    pg = page  # playwright Page

    pg.goto(f"{base}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "jiwoo")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 1")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/")  # type: ignore[attr-defined]
    pg.click("nav.mainnav a:has-text('파이프라인')")  # type: ignore[attr-defined]
    pg.wait_for_selector("#board.js")  # type: ignore[attr-defined]

    second = f".column[data-stage-id='{stages[1].pk}']"
    pg.drag_and_drop(f"#opp-{opp.pk}", f"{second} header")  # type: ignore[attr-defined]
    pg.wait_for_selector(f"{second} #opp-{opp.pk}[data-version='2']")  # type: ignore[attr-defined]
    moved = Opportunity.objects.get(pk=opp.pk)
    assert moved.stage == stages[1] and moved.probability == stages[1].probability
    assert moved.stage_changes.count() == 2
    # The board reloads after the move: the column counts follow.
    pg.wait_for_selector(f"{second} .count .n:text-is('1')")  # type: ignore[attr-defined]

    third = f".column[data-stage-id='{stages[2].pk}']"
    pg.drag_and_drop(f"#opp-{other.pk}", f"{third} header")  # type: ignore[attr-defined]
    pg.wait_for_selector(".board-error:not([hidden])")  # type: ignore[attr-defined]
    assert stages[0].name_ko in pg.inner_text(".board-error")  # type: ignore[attr-defined]
    first = f".column[data-stage-id='{stages[0].pk}']"
    pg.wait_for_selector(f"{first} #opp-{other.pk}")  # type: ignore[attr-defined]
    assert Opportunity.objects.get(pk=other.pk).stage == stages[0]
