"""The demo data set has quotes in every status and contracts, some near renewal."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from inyeon.customers.models import Activity
from inyeon.quotes.models import Contract, ContractStatus, Quote, QuoteStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_quotes_in_every_status_and_contracts_with_reminders() -> None:
    call_command("demo", "--contacts", "200", "--no-scoring", "--quiet", stdout=io.StringIO())
    assert Quote.objects.count() >= 30
    assert set(Quote.objects.values_list("status", flat=True)) == set(QuoteStatus.values)
    assert Quote.objects.filter(current_version=2).exists()
    assert (
        Quote.objects.filter(status=QuoteStatus.ACCEPTED, order__isnull=False).count()
        == Quote.objects.filter(status=QuoteStatus.ACCEPTED).count()
    )
    assert Contract.objects.filter(status=ContractStatus.ACTIVE).exists()
    assert Contract.objects.filter(previous__isnull=False).exists()
    assert Activity.objects.filter(kind="task", subject__contains="C-").exists()
    call_command("demo", "--contacts", "200", "--no-scoring", "--quiet", "--reset", stdout=io.StringIO())
    assert Quote.objects.count() >= 30
