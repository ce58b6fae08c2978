"""Two managers saving overlapping price lists at the same moment: exactly one list is kept."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from inyeon.catalog import services
from inyeon.catalog.models import PriceList
from inyeon.core.models import User
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_overlapping_price_lists_are_serialised() -> None:
    managers: list[User] = [UserFactory(role="manager"), UserFactory(role="admin")]
    barrier = threading.Barrier(len(managers))
    outcomes: list[str] = []

    def save(actor: User, name: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.price_list_create(
                data={"name": name, "currency": "KRW", "valid_from": "2026-01-01"}, actor=actor
            )
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(m, f"list {i}")) for i, m in enumerate(managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert PriceList.objects.count() == 1
