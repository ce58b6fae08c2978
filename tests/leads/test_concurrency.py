"""Round-robin holds when leads arrive at the same moment (PostgreSQL, parallel writers)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from inyeon.leads.models import Lead
from inyeon.leads.services import assignment_rule_create, lead_create
from tests.conftest import Personas
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_captures_take_round_robin_turns_without_repeats(people: Personas) -> None:
    alice2 = UserFactory(username="alice2", role="sales_rep", team=people.gangnam)
    assignment_rule_create(
        data={"name": "Pool", "strategy": "round_robin", "team_id": people.gangnam.pk}, actor=people.root
    )
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def capture(i: int) -> None:
        try:
            start.wait()
            lead_create(
                data={"display_name": f"동시{i}", "email": f"p{i}@example.kr"},
                actor=people.root,
                auto_assign=True,
            )
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=capture, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    owners = list(Lead.objects.values_list("owner_id", flat=True))
    assert sorted(owners.count(u.pk) for u in (people.alice, alice2)) == [3, 3]
