"""End to end: a visitor fills in the public lead form in a real browser; the rep finds the lead,
sees its score reasons and converts it to a contact."""

from __future__ import annotations

import pytest

from inyeon.core.services import team_ensure, user_create
from inyeon.leads.models import Lead
from inyeon.leads.services import lead_form_create, scoring_rule_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_submits_the_form_and_the_rep_converts_the_lead(page: object, live_server: object) -> None:
    team = team_ensure(name="강남팀")
    rep = user_create(username="minji", password="a long demo password 1", role="sales_rep", team=team)
    admin = user_create(username="boss", password="a long demo password 2", role="admin", team=None)
    form = lead_form_create(
        data={"name": "상담 신청", "owner_id": rep.pk, "min_fill_seconds": 1}, actor=admin
    )
    scoring_rule_create(
        data={"label": "회사 정보 있음", "field": "company", "operator": "present", "points": 10}, actor=admin
    )
    base = live_server.url  # type: ignore[attr-defined]
    pg = page

    pg.goto(f"{base}/forms/lead/{form.key}")  # type: ignore[attr-defined]
    pg.fill("#id_display_name", "윤아름")  # type: ignore[attr-defined]
    pg.fill("#id_company", "아름상사")  # type: ignore[attr-defined]
    pg.fill("#id_email", "areum@example.kr")  # type: ignore[attr-defined]
    pg.check("#id_consent_email")  # type: ignore[attr-defined]
    pg.wait_for_timeout(1200)  # type: ignore[attr-defined]  # a person takes a moment
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/forms/lead/{form.key}/thanks/")  # type: ignore[attr-defined]
    lead = Lead.objects.get()
    assert lead.owner == rep and lead.consent_email

    pg.goto(f"{base}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "minji")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 1")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/")  # type: ignore[attr-defined]
    pg.click("nav.mainnav a:has-text('리드')")  # type: ignore[attr-defined]
    pg.click("table.list a:has-text('윤아름')")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/leads/{lead.pk}/")  # type: ignore[attr-defined]
    assert "회사 정보 있음" in pg.inner_text("section.lead-score")  # type: ignore[attr-defined]
    pg.click("#convert button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url("**/contacts/*/")  # type: ignore[attr-defined]
    assert "윤아름" in pg.inner_text("h1")  # type: ignore[attr-defined]
    assert "리드 #" in pg.inner_text("ol.timeline")  # type: ignore[attr-defined]
