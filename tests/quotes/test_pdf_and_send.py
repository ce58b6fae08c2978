"""The quote PDF (Korean text extractable) and sending it by e-mail from a background task."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from inyeon.core.models import AuditLog
from inyeon.customers.models import Activity, Contact
from inyeon.quotes import pdf as quote_pdf
from inyeon.quotes import selectors
from inyeon.quotes.models import QuoteStatus
from inyeon.quotes.services import quote_send
from tests.conftest import Personas
from tests.quotes.conftest import make_quote


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def render(quote: object) -> bytes:
    version = selectors.quote_version(quote)  # type: ignore[arg-type]
    return quote_pdf.render_quote_pdf(quote, version, selectors.version_lines(version))  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_pdf_shows_the_korean_customer_lines_and_total(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer, terms="납품 후 30일 이내 지급")
    text = pdf_text(render(quote))
    for expected in (
        "견적서",
        "김민수",
        "(주)한빛상사",
        "컨설팅",
        "₩330,000",
        quote.number,
        "납품 후 30일 이내 지급",
    ):
        assert expected in text


@pytest.mark.django_db
def test_the_pdf_is_in_english_when_the_quote_is(people: Personas, customer: Contact) -> None:
    quote = make_quote(people.alice, customer, language="en")
    text = pdf_text(render(quote))
    assert "Quotation" in text and "Total" in text and "김민수" in text and "견적서" not in text


@pytest.mark.django_db
def test_a_missing_font_file_falls_back_to_the_built_in_korean_font(settings: object) -> None:
    quote_pdf.font_name.cache_clear()
    assert quote_pdf.font_name("/nonexistent/NanumGothic.ttf") in (quote_pdf.CID_FONT, "InyeonKorean")
    assert quote_pdf.font_name("/etc/hostname") in (quote_pdf.CID_FONT, "InyeonKorean")  # not a font


@pytest.mark.django_db(transaction=True)  # the worker runs the e-mail task
def test_sending_enqueues_one_email_sets_the_status_and_logs_an_activity(
    people: Personas, customer: Contact, tax_rates: None
) -> None:
    quote = make_quote(people.alice, customer)
    quote = quote_send(quote=quote, actor=people.alice)
    assert quote.status == QuoteStatus.SENT and quote.sent_at is not None
    assert DBTaskResult.objects.count() == 1
    with pytest.raises(ValidationError):
        quote_send(quote=quote, actor=people.alice)  # the same version is not sent twice
    assert DBTaskResult.objects.count() == 1
    activity = Activity.objects.get(contact=customer)
    assert activity.kind == "email" and quote.number in activity.subject
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    (message,) = mail.outbox
    assert message.to == ["minsu@hanbit.kr"] and quote.number in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name == f"{quote.number}-v1.pdf" and mimetype == "application/pdf"
    assert "김민수" in pdf_text(content)
    assert AuditLog.objects.filter(entity="quote_email", entity_id=str(quote.pk)).exists()


@pytest.mark.django_db
def test_a_quote_without_an_address_is_not_sent(people: Personas, customer: Contact) -> None:
    Contact.objects.filter(pk=customer.pk).update(primary_email="")
    customer.account.email = ""
    customer.account.save()
    quote = make_quote(people.alice, customer)
    with pytest.raises(ValidationError) as exc:
        quote_send(quote=quote, actor=people.alice)
    assert "contact_id" in exc.value.message_dict
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


@pytest.mark.django_db
def test_the_company_header_comes_from_the_settings(
    people: Personas, customer: Contact, settings: object
) -> None:
    settings.INYEON_COMPANY = {"name": "(주)인연소프트", "phone": "02-1234-5678"}  # type: ignore[attr-defined]
    text = pdf_text(render(make_quote(people.alice, customer)))
    assert "(주)인연소프트" in text and "02-1234-5678" in text
