"""End to end: a rep writes a quote for a Korean contact in a real browser, then accepts it."""

from __future__ import annotations

import pytest

from inyeon.core.services import team_ensure, user_create
from inyeon.customers.models import Order
from inyeon.quotes.models import Quote
from tests.factories import ContactFactory
from tests.quotes.conftest import tax_rates  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("tax_rates")
def test_a_rep_writes_a_quote_with_vat_and_accepts_it(page: object, live_server: object) -> None:
    rep = user_create(
        username="jiwoo", password="a long demo password 5", role="sales_rep", team=team_ensure(name="강남팀")
    )
    contact = ContactFactory(owner=rep, family_name="박", given_name="서준", display_name="박서준")
    url = live_server.url  # type: ignore[attr-defined]
    pg = page
    pg.goto(f"{url}/login/")  # type: ignore[attr-defined]
    pg.fill("#id_username", "jiwoo")  # type: ignore[attr-defined]
    pg.fill("#id_password", "a long demo password 5")  # type: ignore[attr-defined]
    pg.click("button.primary")  # type: ignore[attr-defined]
    pg.wait_for_url(f"{url}/")  # type: ignore[attr-defined]

    pg.goto(f"{url}/contacts/{contact.pk}/")  # type: ignore[attr-defined]
    pg.click("a:has-text('새 견적')")  # type: ignore[attr-defined]
    pg.fill("input[name='line-0-description']", "컨설팅 용역")  # type: ignore[attr-defined]
    pg.fill("input[name='line-0-quantity']", "3")  # type: ignore[attr-defined]
    pg.fill("input[name='line-0-unit_price']", "200000")  # type: ignore[attr-defined]
    pg.fill("#id_discount", "10%")  # type: ignore[attr-defined]
    pg.click("button.primary:has-text('저장')")  # type: ignore[attr-defined]
    quote = Quote.objects.get()
    pg.wait_for_url(f"{url}/quotes/{quote.pk}/")  # type: ignore[attr-defined]
    text = pg.inner_text("main")  # type: ignore[attr-defined]
    assert "박서준" in text and "₩594,000" in text  # (600,000 − 60,000) × 1.1

    pg.click("button:has-text('수락하고 주문 만들기')")  # type: ignore[attr-defined]
    pg.wait_for_selector(".msg-success")  # type: ignore[attr-defined]
    assert Order.objects.get().total_amount == 594_000
