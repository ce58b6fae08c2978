"""The whole flow a rep lives in (issue 5): lead → qualified → opportunity → quote → order → contract
and renewal, with the manager's forecast rolling up from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inyeon.customers.models import Activity, Order
from inyeon.forecasts.periods import parse_period
from inyeon.forecasts.selectors import forecast_rollup
from inyeon.leads.services import lead_convert, lead_create, lead_update
from inyeon.quotes.services import contract_create, contract_reminders_create, quote_accept, quote_create
from inyeon.sales.models import OpportunityStageChange, StageKind
from inyeon.sales.services import opportunity_move
from tests.conftest import Personas
from tests.sales.factories import reason, stage, won_stage

pytestmark = pytest.mark.django_db


def test_a_lead_becomes_a_won_deal_an_order_a_contract_a_reminder_and_a_forecast(people: Personas) -> None:
    alice = people.alice
    lead = lead_create(
        data={"family_name": "박", "given_name": "지훈", "company": "(주)세종물산", "email": "jh@sejong.kr"},
        actor=alice,
    )
    lead = lead_update(lead=lead, data={"status": "qualified"}, actor=alice, expected_version=lead.version)
    lead = lead_convert(
        lead=lead,
        data={"create_opportunity": True, "opportunity_name": "세종 ERP", "amount": 3_000_000},
        actor=alice,
    )
    opp = lead.converted_opportunity
    assert opp is not None and lead.converted_contact is not None and lead.converted_account is not None
    assert opp.contact == lead.converted_contact and opp.account == lead.converted_account

    opp = opportunity_move(opportunity=opp, stage_id=stage(3).pk, actor=alice)  # 제안 (proposal)
    quote = quote_create(
        data={
            "opportunity_id": opp.pk,
            "contact_id": opp.contact_id,
            "lines": [{"description": "ERP 라이선스", "quantity": 1, "unit_price": 3_000_000}],
        },
        actor=alice,
    )
    assert quote.account == opp.account
    quote = quote_accept(quote=quote, actor=alice)
    order = Order.objects.get(pk=quote.order_id)
    assert order.contact == opp.contact and order.total_amount == quote.total == 3_300_000  # with VAT

    opp = opportunity_move(
        opportunity=opp, stage_id=won_stage().pk, close_reason_id=reason(StageKind.WON).pk, actor=alice
    )
    assert opp.status == StageKind.WON and opp.closed_at is not None
    assert OpportunityStageChange.objects.filter(opportunity=opp).count() == 3  # created, proposal, won

    today = timezone.localdate()
    contract = contract_create(
        data={
            "quote_id": quote.pk,
            "title": "세종 ERP 유지보수",
            "start_date": (today - dt.timedelta(days=340)).isoformat(),
            "end_date": (today + dt.timedelta(days=25)).isoformat(),
            "value": 3_000_000,
            "notice_days": 0,
        },
        actor=alice,
    )
    assert contract.opportunity == opp and contract.account == opp.account
    assert contract_reminders_create(on=today) >= 1
    assert contract_reminders_create(on=today) == 0  # once per term
    task = Activity.objects.get(pk=contract.__class__.objects.get(pk=contract.pk).reminder_id)
    assert task.owner == alice and task.kind == "task"

    period = parse_period(f"{today.year}-{today.month:02d}")
    rollup = forecast_rollup(user=people.carol, period=period, level="company")
    assert rollup.total.won == 3_000_000
