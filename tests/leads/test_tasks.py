"""Rescoring (and learning) runs in the worker, queued from the scoring settings page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from inyeon.core.models import AuditLog
from inyeon.leads.services import scoring_rule_create
from tests.conftest import Personas, login
from tests.leads.factories import make_lead


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when it finishes
def test_the_settings_page_queues_rescoring_and_the_worker_applies_new_rules(people: Personas) -> None:
    lead = make_lead(people.alice, company="큐상사")
    scoring_rule_create(
        data={"label": "Has company", "field": "company", "operator": "present", "points": 7},
        actor=people.root,
    )
    response = login(people.root).post("/leads/settings/scoring/recompute/", {"train": "1"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.score == 0  # not yet: it is queued
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    lead.refresh_from_db()
    assert lead.score == 7
    assert AuditLog.objects.filter(entity="lead_scores", changes__rescored=[None, 1]).exists()
    assert login(people.carol).post("/leads/settings/scoring/recompute/").status_code == 403
