"""Two people accepting the same quote at the same moment still make exactly one order."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from inyeon.customers.models import Contact, Order
from inyeon.quotes.models import Quote, QuoteStatus
from inyeon.quotes.services import quote_accept
from tests.conftest import Personas
from tests.quotes.conftest import make_quote


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_accepts_create_one_order(people: Personas, customer: Contact, tax_rates: None) -> None:
    quote = make_quote(people.alice, customer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user: object) -> None:
        try:
            barrier.wait()
            quote_accept(quote=Quote.objects.get(pk=quote.pk), actor=user)  # type: ignore[arg-type]
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (people.alice, people.carol)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "refused"]
    assert Order.objects.count() == 1
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ACCEPTED
