"""Contracts: creation, renewal linked to the previous term, termination, daily roll-over and the
idempotent renewal reminder tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inyeon.customers.models import Activity, Contact
from inyeon.quotes import selectors
from inyeon.quotes.models import Contract, ContractStatus
from inyeon.quotes.services import (
    add_months,
    contract_create,
    contract_reminders_create,
    contract_renew,
    contract_terminate,
    contract_update,
    contracts_roll_over,
    daily_jobs,
    quote_accept,
)
from tests.conftest import Personas
from tests.quotes.conftest import make_contract, make_quote

pytestmark = pytest.mark.django_db


def test_a_contract_from_an_accepted_quote_takes_its_customer(people: Personas, customer: Contact) -> None:
    quote = quote_accept(quote=make_quote(people.alice, customer), actor=people.alice)
    contract = contract_create(
        data={"title": "구독", "quote_id": quote.pk, "start_date": "2026-01-01", "end_date": "2026-12-31"},
        actor=people.alice,
    )
    assert contract.contact == customer and contract.account == customer.account and contract.quote == quote
    assert contract.number == f"C-{contract.created_at.year}-{contract.pk:06d}"
    assert contract.status == ContractStatus.ACTIVE


def test_bad_contract_input_names_each_field(people: Personas, customer: Contact) -> None:
    with pytest.raises(ValidationError) as exc:
        contract_create(
            data={
                "title": "",
                "account_id": customer.account_id,
                "start_date": "2026-05-01",
                "end_date": "2026-04-01",
                "value": -1,
                "notice_days": 999,
            },
            actor=people.alice,
        )
    assert set(exc.value.message_dict) == {"title", "end_date", "value", "notice_days"}
    assert not Contract.objects.exists()


def test_renewal_creates_the_next_term_linked_to_the_previous_one(
    people: Personas, customer: Contact
) -> None:
    contract = make_contract(people.alice, customer.account, start=dt.date(2025, 3, 1), end_date="2026-02-28")
    renewal = contract_renew(contract=contract, actor=people.alice)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RENEWED and renewal.previous == contract
    assert (renewal.start_date, renewal.end_date) == (dt.date(2026, 3, 1), dt.date(2027, 2, 28))
    assert renewal.status == ContractStatus.ACTIVE and renewal.value == contract.value
    assert selectors.contract_next(contract) == renewal
    with pytest.raises(ValidationError):
        contract_renew(contract=contract, actor=people.alice)


def test_a_terminated_contract_cannot_be_renewed_or_changed(people: Personas, customer: Contact) -> None:
    contract = contract_terminate(contract=make_contract(people.alice, customer.account), actor=people.alice)
    assert contract.status == ContractStatus.TERMINATED
    with pytest.raises(ValidationError):
        contract_renew(contract=contract, actor=people.alice)
    with pytest.raises(ValidationError):
        contract_update(contract=contract, data={"title": "x"}, actor=people.alice)


def test_months_are_added_to_the_end_of_short_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_the_daily_roll_over_renews_auto_renewing_contracts_and_expires_the_rest(
    people: Personas, customer: Contact
) -> None:
    today = timezone.localdate()
    ended = today - dt.timedelta(days=1)
    auto = make_contract(people.alice, customer.account, end_date=ended.isoformat(), auto_renew=True)
    manual = make_contract(people.alice, customer.account, end_date=ended.isoformat())
    assert contracts_roll_over() == {"renewed": 1, "expired": 1}
    assert contracts_roll_over() == {"renewed": 0, "expired": 0}
    auto.refresh_from_db()
    manual.refresh_from_db()
    assert auto.status == ContractStatus.RENEWED and manual.status == ContractStatus.EXPIRED
    assert Contract.objects.get(previous=auto).start_date == today


def test_a_renewal_reminder_task_is_created_once_per_term_for_the_owner(
    people: Personas, customer: Contact
) -> None:
    today = timezone.localdate()
    # Notice deadline in 20 days, reminder due 14 days before it: in 6 days.
    end = today + dt.timedelta(days=50)
    contract = make_contract(people.alice, customer.account, end_date=end.isoformat(), notice_days=30)
    far = make_contract(people.alice, customer.account, end_date=(today + dt.timedelta(days=300)).isoformat())
    assert contract_reminders_create() == 1
    assert contract_reminders_create() == 0
    assert daily_jobs()["reminders"] == 0
    task = Activity.objects.get(kind="task")
    contract.refresh_from_db()
    assert contract.reminder == task and task.owner == people.alice and task.account == customer.account
    assert task.due_at is not None and timezone.localtime(task.due_at).date() == today + dt.timedelta(days=6)
    assert contract.number in task.subject
    far.refresh_from_db()
    assert far.reminder is None
    # The next term gets its own reminder when its time comes.
    renewal = contract_renew(contract=contract, actor=people.alice)
    later = renewal.end_date - dt.timedelta(days=renewal.notice_days + 14)
    assert contract_reminders_create(on=later) == 2  # the renewal's and, by then, the far contract's
    renewal.refresh_from_db()
    assert renewal.reminder is not None and renewal.reminder != task
    assert Activity.objects.filter(kind="task").count() == 3


def test_contract_lists_follow_visibility(people: Personas, customer: Contact) -> None:
    contract = make_contract(people.alice, customer.account)
    assert selectors.contract_list(user=people.alice).items == [contract]
    assert selectors.contract_list(user=people.carol).items == [contract]
    assert selectors.contract_list(user=people.bob).items == []
    with pytest.raises(Contract.DoesNotExist):
        selectors.contract_get(user=people.oscar, pk=contract.pk)
