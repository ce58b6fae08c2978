"""Rule scores with a reason per rule; the learned score only with enough won/lost history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inyeon.leads.models import Lead, LeadScoreModel, ScoringRule
from inyeon.leads.scoring import compute
from inyeon.leads.services import (
    lead_activity_add,
    lead_score_model_train,
    leads_rescore,
    scoring_rule_create,
)
from inyeon.sales.models import Opportunity
from inyeon.sales.services import opportunity_create
from tests.conftest import Personas
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def _rules(root: object) -> None:
    for data in (
        {
            "label": "Came by referral",
            "field": "source",
            "operator": "equals",
            "value": "referral, event",
            "points": 20,
        },
        {
            "label": "Decision maker",
            "field": "job_title",
            "operator": "contains",
            "value": "대표, CEO, 이사",
            "points": 15,
        },
        {
            "label": "Mid-size company",
            "field": "company_size",
            "operator": "at_least",
            "value": "50",
            "points": 10,
        },
        {"label": "Has e-mail", "field": "email", "operator": "present", "points": 5},
        {"label": "Engaged", "field": "activities", "operator": "at_least", "value": "2", "points": 25},
        {
            "label": "Students",
            "field": "job_title",
            "operator": "contains",
            "value": "student",
            "points": -30,
        },
    ):
        scoring_rule_create(data=data, actor=root)  # type: ignore[arg-type]


def test_each_matching_rule_gives_points_with_its_reason(people: Personas) -> None:
    _rules(people.root)
    lead = make_lead(people.alice, source="referral", job_title="CEO", company_size=120)
    assert lead.score == 20 + 15 + 10 + 5
    assert [r["reason"] for r in lead.score_reasons] == [
        "Came by referral",
        "Decision maker",
        "Mid-size company",
        "Has e-mail",
    ]
    student = make_lead(people.alice, job_title="Student", source="manual")
    assert student.score == 5 - 30


def test_engagement_is_counted_as_activities_are_logged(people: Personas) -> None:
    _rules(people.root)
    lead = make_lead(people.alice)
    assert lead.score == 5
    for subject in ("첫 통화", "미팅"):
        lead_activity_add(lead=lead, data={"kind": "call", "subject": subject}, actor=people.alice)
    lead.refresh_from_db()
    assert lead.score == 30 and lead.score_reasons[-1]["reason"] == "Engaged"
    assert lead.status == "working"


def test_only_admins_configure_rules_and_bad_rules_name_the_field(people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        scoring_rule_create(
            data={"label": "x", "field": "email", "operator": "present", "points": 1}, actor=people.carol
        )
    with pytest.raises(ValidationError) as exc:
        scoring_rule_create(
            data={"label": "", "field": "shoe_size", "operator": "at_least", "value": "many", "points": "x"},
            actor=people.root,
        )
    assert set(exc.value.message_dict) == {"label", "field", "value", "points"}


def test_rescoring_applies_new_rules_to_open_leads(people: Personas) -> None:
    lead = make_lead(people.alice, company="인연상사")
    assert lead.score == 0
    scoring_rule_create(
        data={"label": "Has company", "field": "company", "operator": "present", "points": 7},
        actor=people.root,
    )
    assert leads_rescore(actor=people.root) == 1
    lead.refresh_from_db()
    assert lead.score == 7


def _history(people: Personas, n: int) -> None:
    """`n` converted leads: referrals mostly won, the others mostly lost."""
    for i in range(n):
        referral = i % 2 == 0
        lead = make_lead(
            people.alice, source="referral" if referral else "web_form", email=f"h{i}@example.kr"
        )
        opp = opportunity_create(data={"name": f"deal {i}"}, actor=people.alice)
        won = referral if i % 10 else not referral  # a little noise
        Opportunity.objects.filter(pk=opp.pk).update(
            status="won" if won else "lost", closed_at=timezone.now()
        )
        Lead.objects.filter(pk=lead.pk).update(status="converted", converted_opportunity=opp)


def test_the_learned_score_is_not_used_with_too_little_history(people: Personas) -> None:
    _history(people, 49)
    assert lead_score_model_train(actor=people.root) is None
    lead = make_lead(people.alice, source="referral", email="new@example.kr")
    assert lead.win_probability is None
    assert not any(r.get("kind") == "learned" for r in lead.score_reasons)


def test_with_enough_history_the_learned_score_adds_its_reason(people: Personas) -> None:
    _history(people, 60)
    model = lead_score_model_train(actor=people.root)
    assert model is not None and model.outcomes == 60 and LeadScoreModel.objects.count() == 1
    referral = make_lead(people.alice, source="referral", email="r@example.kr")
    web = make_lead(people.alice, source="web_form", email="w@example.kr")
    assert referral.win_probability is not None and web.win_probability is not None
    assert referral.win_probability > 0.6 > 0.4 > web.win_probability
    learned = referral.score_reasons[-1]
    assert learned["kind"] == "learned" and learned["outcomes"] == 60
    assert referral.score == learned["points"] == round(referral.win_probability * 100 - 50)


def test_compute_without_a_model_uses_rules_alone(people: Personas) -> None:
    rule = ScoringRule.objects.create(label="r", field="source", operator="equals", value="api", points=3)
    lead = make_lead(people.alice, source="api")
    assert compute(lead, rules=[rule], model=False) == (
        3,
        [{"points": 3, "reason": "r", "rule": rule.pk}],
        None,
    )
