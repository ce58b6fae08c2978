"""End to end in a real browser: Debian's chromium driven by Playwright against a live server."""

from __future__ import annotations

import pytest

from inyeon.core.services import team_ensure, user_create
from inyeon.customers.models import Contact
from tests.analytics.conftest import Base, make_base
from tests.conftest import Personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rep_creates_a_korean_contact_finds_it_by_chosung_and_sees_its_timeline(
    page: object, live_server: object
) -> None:
    team = team_ensure(name="강남팀")
    user_create(username="minji", password="a long demo password 1", role="sales_rep", team=team)
    base = live_server.url  # type: ignore[attr-defined]
    pg = page  # playwright Page

    pg.goto(f"{base}/login/")  # type: ignore[attr-defined]
    assert "로그인" in pg.content()  # type: ignore[attr-defined]
    pg.fill("#id_username", "minji")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 1")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/")  # type: ignore[attr-defined]

    pg.goto(f"{base}/contacts/new/")  # type: ignore[attr-defined]
    pg.fill("#id_display_name", "김민수")  # type: ignore[attr-defined]
    pg.fill("#id_emails", "minsu.kim@example.kr")  # type: ignore[attr-defined]
    pg.fill("#id_phones", "010-2345-6789")  # type: ignore[attr-defined]
    pg.fill("#id_address_line1", "서울특별시 강남구 테헤란로 123")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1:has-text('김민수')")  # type: ignore[attr-defined]
    contact = Contact.objects.get()
    assert (contact.family_name, contact.given_name, contact.primary_phone) == ("김", "민수", "+821023456789")

    pg.fill("header input[name=q]", "ㄱㅁㅅ")  # type: ignore[attr-defined]
    pg.press("header input[name=q]", "Enter")  # type: ignore[attr-defined]
    pg.wait_for_url("**/contacts/?q=*")  # type: ignore[attr-defined]
    pg.click("table.list a:has-text('김민수')")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/contacts/{contact.pk}/")  # type: ignore[attr-defined]

    pg.click("details.addactivity summary")  # type: ignore[attr-defined]
    pg.select_option("details.addactivity select[name=kind]", "call")  # type: ignore[attr-defined]
    pg.fill("details.addactivity input[name=subject]", "첫 상담 전화")  # type: ignore[attr-defined]
    pg.click("details.addactivity button[type=submit]")  # type: ignore[attr-defined]
    timeline = pg.inner_text("ol.timeline")  # type: ignore[attr-defined]
    assert "첫 상담 전화" in timeline
    assert "잠재고객" in timeline  # the stage set at creation


def test_an_analyst_scores_the_base_and_follows_a_grid_cell_to_a_value_card(
    page: object, live_server: object, people: Personas
) -> None:
    import io

    from django.core.management import call_command

    from inyeon.analytics.models import CustomerScore, ScoringRun

    shop: Base = make_base(people)
    assert len(shop.buyers) == 60
    user_create(username="jiwoo", password="a long demo password 2", role="analyst")
    url = live_server.url  # type: ignore[attr-defined]
    pg = page
    pg.goto(f"{url}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "jiwoo")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 2")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{url}/")  # type: ignore[attr-defined]

    pg.goto(f"{url}/analytics/")  # type: ignore[attr-defined]
    pg.click("button:has-text('지금 점수 계산')")  # type: ignore[attr-defined]
    run = ScoringRun.objects.get()
    pg.wait_for_url(f"{url}/analytics/runs/{run.pk}/")  # type: ignore[attr-defined]
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    pg.wait_for_selector("text=완료", timeout=10_000)  # type: ignore[attr-defined]  # the page refreshes itself

    pg.goto(f"{url}/analytics/")  # type: ignore[attr-defined]
    assert "RFM 그리드" in pg.content()  # type: ignore[attr-defined]
    top = CustomerScore.objects.filter(r_score=5).order_by("-f_score").first()
    assert top is not None
    pg.click(f"table.rfm a[href*='r_score=5&f_score={top.f_score}']")  # type: ignore[attr-defined]
    pg.wait_for_url("**/contacts/?r_score=5*")  # type: ignore[attr-defined]
    pg.click("table.list tbody a >> nth=0")  # type: ignore[attr-defined]
    pg.wait_for_selector("section.value-card")  # type: ignore[attr-defined]
    card = pg.inner_text("section.value-card")  # type: ignore[attr-defined]
    assert "고객 가치" in card and "R5" in card and "활동 확률" in card
