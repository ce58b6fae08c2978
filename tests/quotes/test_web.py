"""Quote and contract pages: the no-JS lines editor, versions, PDF, actions, visibility."""

from __future__ import annotations

import pytest

from inyeon.customers.models import Contact, Order, Product
from inyeon.quotes.models import Contract, ContractStatus, Quote, QuoteStatus
from inyeon.quotes.selectors import tax_rate_default
from tests.conftest import Personas, login
from tests.quotes.conftest import make_contract, make_quote

pytestmark = pytest.mark.django_db


def editor_post(contact: Contact, rows: list[dict[str, str]], **fields: str) -> dict[str, str]:
    data = {
        "contact_id": str(contact.pk),
        "currency": "KRW",
        "language": "ko",
        "line_count": str(len(rows) + 2),
    }
    data.update(fields)
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"line-{i}-{key}"] = value
    return data


def test_a_rep_creates_a_quote_from_the_form_with_blank_rows(
    people: Personas, customer: Contact, product: Product
) -> None:
    client = login(people.alice)
    page = client.get(f"/quotes/new/?contact={customer.pk}")
    assert page.status_code == 200 and b'name="line-4-description"' in page.content
    rate = str(tax_rate_default().pk)
    response = client.post(
        "/quotes/new/",
        editor_post(
            customer,
            [
                {"product_code": "ERP-STD", "quantity": "1", "discount": "10%", "tax_rate_id": rate},
                {"description": "설치", "quantity": "1", "unit_price": "100000", "tax_rate_id": rate},
            ],
            discount="",
        ),
    )
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/quotes/{quote.pk}/"
    assert quote.total == (1_080_000 + 100_000) * 11 // 10
    detail = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert quote.number in detail and "ERP 표준 라이선스" in detail and "₩1,298,000" in detail


def test_a_bad_line_is_shown_on_its_row_and_nothing_is_saved(people: Personas, customer: Contact) -> None:
    response = login(people.alice).post(
        "/quotes/new/",
        editor_post(customer, [{"description": "x", "quantity": "zero", "unit_price": "5"}]),
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not Quote.objects.exists()


def test_the_detail_shows_old_versions_and_the_pdf_downloads(
    people: Personas, customer: Contact, django_capture_on_commit_callbacks: object
) -> None:
    from inyeon.quotes.services import quote_send, quote_update

    quote = quote_send(quote=make_quote(people.alice, customer), actor=people.alice)
    quote_update(
        quote=quote,
        data={"lines": [{"description": "B", "quantity": 1, "unit_price": 10}]},
        actor=people.alice,
    )
    client = login(people.alice)
    v1 = client.get(f"/quotes/{quote.pk}/?v=1").content.decode()
    assert "컨설팅" in v1 and "v2" in v1
    pdf = client.get(f"/quotes/{quote.pk}/pdf?v=1")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )


def test_accept_and_reject_buttons(people: Personas, customer: Contact) -> None:
    client = login(people.alice)
    quote = make_quote(people.alice, customer)
    assert client.post(f"/quotes/{quote.pk}/accept").status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and Order.objects.count() == 1
    client.post(f"/quotes/{quote.pk}/accept")
    assert Order.objects.count() == 1
    other = make_quote(people.alice, customer)
    client.post(f"/quotes/{other.pk}/reject")
    other.refresh_from_db()
    assert other.status == QuoteStatus.REJECTED


def test_quote_and_contract_pages_are_404_for_another_team(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer)
    contract = make_contract(people.alice, customer.account)
    bob = login(people.bob)
    for url in (f"/quotes/{quote.pk}/", f"/quotes/{quote.pk}/edit/", f"/quotes/{quote.pk}/pdf"):
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/quotes/{quote.pk}/accept").status_code == 404
    assert bob.get(f"/contracts/{contract.pk}/").status_code == 404
    assert bob.post(f"/contracts/{contract.pk}/renew").status_code == 404
    assert quote.number not in bob.get("/quotes/").content.decode()
    assert contract.number not in bob.get("/contracts/").content.decode()
    assert quote.number in login(people.carol).get("/quotes/").content.decode()


def test_a_contract_is_created_renewed_and_terminated_from_its_pages(
    people: Personas, customer: Contact
) -> None:
    client = login(people.alice)
    response = client.post(
        "/contracts/new/",
        {
            "account_id": str(customer.account_id),
            "title": "연간 구독",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "value": "1200000",
            "currency": "KRW",
            "renewal_months": "12",
            "notice_days": "30",
            "status": "active",
        },
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and contract.title == "연간 구독"
    renewed = client.post(f"/contracts/{contract.pk}/renew")
    renewal = Contract.objects.get(previous=contract)
    assert renewed["Location"] == f"/contracts/{renewal.pk}/"
    page = client.get(f"/contracts/{renewal.pk}/").content.decode()
    assert contract.number in page
    client.post(f"/contracts/{renewal.pk}/terminate")
    renewal.refresh_from_db()
    assert renewal.status == ContractStatus.TERMINATED


def test_nav_and_new_quote_links(people: Personas, customer: Contact) -> None:
    client = login(people.alice)
    home = client.get(f"/contacts/{customer.pk}/").content.decode()
    assert 'href="/quotes/"' in home and 'href="/contracts/"' in home
    assert f"/quotes/new/?contact={customer.pk}" in home
    assert (
        f"/quotes/new/?account={customer.account_id}"
        in client.get(f"/accounts/{customer.account_id}/").content.decode()
    )


def test_the_lists_cap_their_queries(
    people: Personas, customer: Contact, django_assert_max_num_queries: object
) -> None:
    for _i in range(5):
        make_quote(people.alice, customer)
        make_contract(people.alice, customer.account)
    client = login(people.alice)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/quotes/").status_code == 200
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/contracts/").status_code == 200


def test_the_recipient_is_masked_for_roles_without_personal_data_and_logged_for_the_rest(
    people: Personas, customer: Contact
) -> None:
    from inyeon.core.models import AccessLog

    quote = make_quote(people.alice, customer)
    marketer_page = login(people.dave).get(f"/quotes/{quote.pk}/").content.decode()
    assert "minsu@hanbit.kr" not in marketer_page and "@hanbit.kr" in marketer_page
    assert not AccessLog.objects.exists()
    assert "minsu@hanbit.kr" in login(people.alice).get(f"/quotes/{quote.pk}/").content.decode()
    log = AccessLog.objects.get()
    assert log.actor == people.alice and log.subject_ids == [customer.pk] and quote.number in log.detail


def test_the_daily_command_runs_the_job(people: Personas, customer: Contact) -> None:
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    quote = make_quote(people.alice, customer)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=2))
    out = io.StringIO()
    call_command("quotes_daily", stdout=out)
    assert "quotes_expired: 1" in out.getvalue()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


def test_the_scheduler_queues_the_daily_job_once_a_day(db: None) -> None:
    from django_tasks_db.models import DBTaskResult

    from inyeon.quotes.schedule import enqueue_daily_job

    assert enqueue_daily_job() is True
    assert enqueue_daily_job() is False
    assert DBTaskResult.objects.count() == 1


def test_a_quote_started_from_the_list_asks_for_the_customer(people: Personas, customer: Contact) -> None:
    client = login(people.alice)
    page = client.get("/quotes/new/").content.decode()
    assert 'name="contact_id"' in page and 'type="hidden" name="contact_id"' not in page
    response = client.post(
        "/quotes/new/", editor_post(customer, [{"description": "A", "quantity": "1", "unit_price": "1000"}])
    )
    assert response.status_code == 302 and Quote.objects.get().contact == customer
    other = login(people.oscar).post(
        "/quotes/new/", editor_post(customer, [{"description": "A", "quantity": "1", "unit_price": "1000"}])
    )
    assert other.status_code == 200 and Quote.objects.count() == 1  # oscar may not see the contact
