"""In a real browser: a manager builds a configurable product, a rep configures it and sees first
the broken rule, then the price."""

from __future__ import annotations

import pytest

from inyeon.core.services import team_ensure, user_create
from inyeon.customers.models import Product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo password 1"


def sign_in(pg: object, base: str, username: str) -> None:
    pg.goto(f"{base}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", username)  # type: ignore[attr-defined]
    pg.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def test_a_manager_builds_options_and_a_rep_configures_the_product(page: object, live_server: object) -> None:
    team = team_ensure(name="강남팀")
    user_create(username="boss", password=PASSWORD, role="manager", team=team)
    user_create(username="minji", password=PASSWORD, role="sales_rep", team=team)
    base = live_server.url  # type: ignore[attr-defined]
    pg = page

    sign_in(pg, base, "boss")
    pg.click("nav.mainnav a:has-text('제품')")  # type: ignore[attr-defined]
    pg.click("a:has-text('새 제품')")  # type: ignore[attr-defined]
    pg.fill("#id_code", "HM-100")  # type: ignore[attr-defined]
    pg.fill("#id_name_ko", "무선 청소기")  # type: ignore[attr-defined]
    pg.fill("#id_unit_price", "300,000")  # type: ignore[attr-defined]
    pg.fill("#id_specs", "무게: 1.4 kg")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1:has-text('무선 청소기')")  # type: ignore[attr-defined]
    product = Product.objects.get()
    assert product.unit_price == 300000

    pg.click("a:has-text('옵션과 규칙')")  # type: ignore[attr-defined]
    pg.fill("#id_group-name_ko", "추가 구성")  # type: ignore[attr-defined]
    pg.select_option("#id_group-choice", "multiple")  # type: ignore[attr-defined]
    pg.click("form:has(#id_group-name_ko) button")  # type: ignore[attr-defined]
    pg.wait_for_selector("h2:has-text('추가 구성')")  # type: ignore[attr-defined]
    for code, name, amount in (
        ("BAT-XL", "대용량 배터리", "49000"),
        ("STATION", "먼지 비움 스테이션", "129000"),
    ):
        pg.fill("#id_option-code", code)  # type: ignore[attr-defined]
        pg.fill("#id_option-name_ko", name)  # type: ignore[attr-defined]
        pg.fill("#id_option-price_adjustment", amount)  # type: ignore[attr-defined]
        pg.click("form:has(#id_option-code) button")  # type: ignore[attr-defined]
        pg.wait_for_selector(f"td:has-text('{code}')")  # type: ignore[attr-defined]
    pg.select_option("#id_rule-option", label="STATION · 먼지 비움 스테이션")  # type: ignore[attr-defined]
    pg.select_option("#id_rule-kind", "requires")  # type: ignore[attr-defined]
    pg.select_option("#id_rule-target", label="BAT-XL · 대용량 배터리")  # type: ignore[attr-defined]
    pg.click("form:has(#id_rule-kind) button")  # type: ignore[attr-defined]
    pg.wait_for_selector("li:has-text('STATION')")  # type: ignore[attr-defined]
    pg.click("details.usermenu summary")  # type: ignore[attr-defined]
    pg.click("form[action$='/logout/'] button")  # type: ignore[attr-defined]

    sign_in(pg, base, "minji")
    pg.goto(f"{base}/products/")  # type: ignore[attr-defined]
    pg.fill("form.filters input[name=q]", "ㅁㅅㅊ")  # type: ignore[attr-defined]
    pg.press("form.filters input[name=q]", "Enter")  # type: ignore[attr-defined]
    pg.click("table.list a:has-text('HM-100')")  # type: ignore[attr-defined]
    pg.check("label:has-text('먼지 비움 스테이션') input")  # type: ignore[attr-defined]
    pg.click("button:has-text('확인하고 가격 계산')")  # type: ignore[attr-defined]
    alert = pg.inner_text("#configure .errors")  # type: ignore[attr-defined]
    assert "먼지 비움 스테이션" in alert and "대용량 배터리" in alert and "필요" in alert
    pg.check("label:has-text('대용량 배터리') input")  # type: ignore[attr-defined]
    pg.click("button:has-text('확인하고 가격 계산')")  # type: ignore[attr-defined]
    assert "₩478,000" in pg.inner_text("#configure .price-result")  # type: ignore[attr-defined]
