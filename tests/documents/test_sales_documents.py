"""Documents on sales records: leads, opportunities, quotes and contracts, on their pages and by their
visibility."""

from __future__ import annotations

import datetime as dt

import pytest

from inyeon.documents.models import Document
from inyeon.documents.registry import attachable_types
from inyeon.leads.services import lead_create
from inyeon.quotes.services import contract_create, quote_create
from tests.conftest import Personas, login
from tests.documents.conftest import PDF, upload
from tests.factories import AccountFactory
from tests.sales.factories import make_opportunity

pytestmark = pytest.mark.django_db


def _records(people: Personas) -> dict[str, str]:
    """Alice's lead, opportunity, quote and contract: {record type: page path}."""
    account = AccountFactory(owner=people.alice, name="(주)한빛상사")
    lead = lead_create(
        data={"family_name": "김", "given_name": "민수", "company": "한빛", "email": "minsu@hanbit.kr"},
        actor=people.alice,
    )
    opp = make_opportunity(people.alice, name="ERP 도입")
    quote = quote_create(
        data={
            "account_id": account.pk,
            "lines": [{"description": "컨설팅", "quantity": 1, "unit_price": 100_000}],
        },
        actor=people.alice,
    )
    today = dt.date.today()
    contract = contract_create(
        data={
            "account_id": account.pk,
            "start_date": today.isoformat(),
            "end_date": (today + dt.timedelta(days=365)).isoformat(),
            "title": "유지보수 계약",
            "value": 1_000_000,
        },
        actor=people.alice,
    )
    return {
        "lead": f"/leads/{lead.pk}/",
        "opportunity": f"/opportunities/{opp.pk}/",
        "quote": f"/quotes/{quote.pk}/",
        "contract": f"/contracts/{contract.pk}/",
    }


def test_leads_opportunities_quotes_and_contracts_take_documents_on_their_pages(people: Personas) -> None:
    assert {"lead", "opportunity", "quote", "contract"} <= set(attachable_types())
    alice, bob = login(people.alice), login(people.bob)
    for record_type, page in _records(people).items():
        record_id = int(page.rstrip("/").rsplit("/", 1)[1])
        assert f'name="record_type" value="{record_type}"' in alice.get(page).content.decode()
        response = alice.post(
            "/documents/upload/",
            {"record_type": record_type, "record_id": record_id, "file": upload(f"{record_type}.pdf", PDF)},
        )
        assert response.status_code == 302 and response["Location"] == page, record_type
        document = Document.objects.get(record_type=record_type, record_id=record_id)
        assert f"{record_type}.pdf" in alice.get(page).content.decode()
        assert alice.get(f"/documents/{document.pk}/download/").status_code == 200
        # Another team's rep neither downloads it nor attaches to the record.
        assert bob.get(f"/documents/{document.pk}/download/").status_code == 404
        bob.post(
            "/documents/upload/",
            {"record_type": record_type, "record_id": record_id, "file": upload("x.pdf", PDF)},
        )
        assert Document.objects.filter(record_type=record_type, record_id=record_id).count() == 1
