"""Two people editing the same opportunity never lose an update: parallel writers on PostgreSQL.

Each writer runs in its own thread with its own database connection, so the row lock taken by the
service is real and the writers truly meet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from inyeon.core.errors import ConflictError
from inyeon.sales.models import Opportunity
from inyeon.sales.services import opportunity_move, opportunity_update
from tests.conftest import Personas
from tests.sales.factories import make_opportunity, stage

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_pipeline"),
]


def run_in_threads(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment (a barrier) and return each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_of_two_writers_holding_the_same_version_exactly_one_wins(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    assert opp.version == 1

    def write(amount: int, description: str) -> Opportunity:
        return opportunity_update(
            opportunity=Opportunity.objects.get(pk=opp.pk),
            data={"amount": amount, "description": description},
            actor=people.alice,
            expected_version=1,
        )

    for _round in range(5):
        results = run_in_threads([lambda: write(111, "first"), lambda: write(222, "second")])
        winners = [r for r in results if isinstance(r, Opportunity)]
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        if len(winners) == 1:
            break
    assert len(winners) == 1 and len(conflicts) == 1, results
    assert conflicts[0].current_version == 2
    saved = Opportunity.objects.get(pk=opp.pk)
    assert saved.version == 2
    assert (saved.amount, saved.description) == (winners[0].amount, winners[0].description)


def test_an_edit_and_a_move_on_the_same_version_do_not_both_land(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    results = run_in_threads(
        [
            lambda: opportunity_update(
                opportunity=Opportunity.objects.get(pk=opp.pk),
                data={"amount": 9},
                actor=people.alice,
                expected_version=1,
            ),
            lambda: opportunity_move(
                opportunity=Opportunity.objects.get(pk=opp.pk),
                stage_id=stage(2).pk,
                actor=people.carol,
                expected_version=1,
            ),
        ]
    )
    assert sum(isinstance(r, Opportunity) for r in results) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    saved = Opportunity.objects.get(pk=opp.pk)
    assert saved.version == 2
    assert (saved.amount == 9) != (saved.stage_id == stage(2).pk)


def test_writers_that_reread_after_a_conflict_lose_no_update(people: Personas) -> None:
    """Eight writers each add 1 to the amount, re-reading and retrying after every conflict: the
    final amount counts every one of them, and the version counts every write."""
    opp = make_opportunity(people.alice, amount=0)
    writers = 8
    conflicts = [0] * writers

    def add_one(i: int) -> int:
        while True:
            current = Opportunity.objects.get(pk=opp.pk)
            try:
                opportunity_update(
                    opportunity=current,
                    data={"amount": current.amount + 1},
                    actor=people.alice,
                    expected_version=current.version,
                )
                return i
            except ConflictError:
                conflicts[i] += 1

    run_in_threads([lambda i=i: add_one(i) for i in range(writers)])  # type: ignore[misc]
    saved = Opportunity.objects.get(pk=opp.pk)
    assert saved.amount == writers
    assert saved.version == 1 + writers
