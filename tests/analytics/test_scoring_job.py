"""The scoring job: one row of scores per customer, stage changes on the timeline, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django_tasks import TaskResultStatus

from inyeon.analytics import reader, services
from inyeon.analytics.models import CustomerScore, RunStatus, ScoringRun, ScoringSettings
from inyeon.core.models import AuditLog
from inyeon.customers.models import Contact, StageChange
from tests.analytics.conftest import AS_OF, Base, add_orders
from tests.conftest import Personas


def score(as_of=AS_OF) -> ScoringRun:  # type: ignore[no-untyped-def]
    run = ScoringRun.objects.create(as_of=as_of)
    return services.scoring_execute(run)


def test_every_contact_gets_one_row_of_scores(base: Base) -> None:
    run = score()
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.customers == Contact.objects.count() == 65
    assert run.buyers == 62
    assert set(run.summary["params"]) == {"bgnbd", "gamma_gamma"}
    assert CustomerScore.objects.count() == 65
    for prospect in base.prospects:
        s = CustomerScore.objects.get(contact=prospect)
        assert (s.lifecycle_stage, s.frequency, s.segment, s.r_score, s.clv_12m) == ("prospect", 0, "", 0, 0)
    buyer_scores = CustomerScore.objects.exclude(lifecycle_stage="prospect")
    assert all(1 <= s.r_score <= 5 and 1 <= s.f_score <= 5 and 1 <= s.m_score <= 5 for s in buyer_scores)
    assert all(s.segment and s.value_tier in {"A", "B", "C"} for s in buyer_scores)
    assert all(0 < s.p_alive <= 1 and s.clv_12m >= 0 for s in buyer_scores)
    assert buyer_scores.filter(value_tier="A").count() == 12  # the top 20% of 62 buyers


def test_the_rules_place_a_newcomer_and_a_lapsed_customer(base: Base) -> None:
    score()
    assert CustomerScore.objects.get(contact=base.newcomer).lifecycle_stage == "new"
    lapsed = CustomerScore.objects.get(contact=base.lapsed)
    assert lapsed.lifecycle_stage == "churned"
    assert lapsed.recency_days == 500 and lapsed.frequency == 3 and lapsed.monetary == 150_000


def test_stage_changes_are_written_to_the_contact_and_its_timeline(base: Base) -> None:
    run = score()
    base.newcomer.refresh_from_db()
    assert base.newcomer.lifecycle_stage == "new"
    change = StageChange.objects.get(contact=base.newcomer)
    assert (change.from_stage, change.to_stage) == ("prospect", "new")
    assert f"scoring run #{run.pk}" in change.reason
    assert run.stage_changes == StageChange.objects.count() > 0
    assert AuditLog.objects.filter(entity="customer_scores", entity_id=f"run {run.pk}").exists()


def test_a_second_run_on_unchanged_data_changes_nothing(base: Base) -> None:
    first = score()
    before = {s.pk: (s.computed_at, s.clv_12m, s.segment) for s in CustomerScore.objects.all()}
    versions = dict(Contact.objects.values_list("pk", "version"))
    second = score()
    assert first.rows_changed == 65
    assert (second.rows_changed, second.stage_changes) == (0, 0)
    assert second.model_version == first.model_version
    assert {s.pk: (s.computed_at, s.clv_12m, s.segment) for s in CustomerScore.objects.all()} == before
    assert dict(Contact.objects.values_list("pk", "version")) == versions


def test_new_orders_move_the_segment_and_keep_the_previous_one(base: Base) -> None:
    score()
    old = CustomerScore.objects.get(contact=base.lapsed)
    add_orders(base.lapsed, [1, 2, 3, 4, 5, 6, 7, 8], amount=500_000)
    score()
    new = CustomerScore.objects.get(contact=base.lapsed)
    assert new.segment != old.segment
    assert new.previous_segment == old.segment
    assert new.lifecycle_stage != "churned"


def test_equity_adds_a_share_of_the_referred_customers_clv(base: Base) -> None:
    score()
    referrer = CustomerScore.objects.get(contact=base.referrer)
    referred = CustomerScore.objects.get(contact=base.referred)
    assert referred.clv_12m > 0
    assert referrer.customer_equity == pytest.approx(referrer.clv_12m + 0.1 * referred.clv_12m, abs=1)


def test_orders_that_do_not_count_are_left_out(base: Base) -> None:
    from inyeon.customers.models import Order

    Order.objects.filter(contact=base.newcomer).update(status="cancelled")
    score()
    assert CustomerScore.objects.get(contact=base.newcomer).lifecycle_stage == "prospect"


def test_a_failed_run_says_why_and_writes_no_scores(base: Base, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(as_of: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reader, "read_orders", broken)
    run = ScoringRun.objects.create(as_of=AS_OF)
    with pytest.raises(RuntimeError):
        services.scoring_execute(run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "disk on fire" in run.error
    assert CustomerScore.objects.count() == 0


def test_settings_are_checked_field_by_field_and_only_admins_change_them(people: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.scoring_settings_update(
            actor=people.root,
            data={"tier_a_share": 0.6, "tier_b_share": 0.5, "churn_p_alive_below": 3, "schedule_hour": 30},
        )
    assert set(caught.value.message_dict) == {"tier_b_share", "churn_p_alive_below", "schedule_hour"}
    assert ScoringSettings.objects.get(pk=1).tier_a_share == 0.2  # nothing written
    with pytest.raises(PermissionDenied):
        services.scoring_settings_update(actor=people.erin, data={"new_within_days": 30})
    row = services.scoring_settings_update(actor=people.root, data={"new_within_days": 30})
    assert row.new_within_days == 30
    assert AuditLog.objects.filter(entity="scoring_settings", actor=people.root).exists()


def test_a_bad_segment_map_is_refused(people: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.scoring_settings_update(
            actor=people.root, data={"segment_map": {"all": {"en": "x", "ko": "y", "cells": ["55"]}}}
        )
    assert "segment_map" in caught.value.message_dict


def test_only_admins_and_analysts_start_a_run(people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.scoring_request(actor=people.alice)
    assert services.scoring_request(actor=people.erin).status == RunStatus.QUEUED


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when it finishes
def test_the_worker_runs_a_requested_scoring(base: Base, people: Personas) -> None:
    run = services.scoring_request(actor=people.root, as_of=AS_OF)
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert CustomerScore.objects.count() == 65
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
