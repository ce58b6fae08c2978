"""Demo leads: a few hundred from several sources over the last half year, with scoring and
assignment rules, a capture form, activities, and some converted (their deals won or lost, so the
learned score has history to learn from). Everything derives from one seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from inyeon.core.models import User
from inyeon.demo import vocab
from inyeon.leads.models import (
    AssignmentRule,
    Lead,
    LeadEvent,
    LeadForm,
    LeadScoreModel,
    LeadSource,
    LeadStatus,
    ScoringRule,
)
from inyeon.leads.services import (
    assignment_rule_create,
    lead_activity_add,
    lead_convert,
    lead_create,
    lead_form_create,
    lead_score_model_train,
    scoring_rule_create,
)
from inyeon.sales.models import Opportunity, StageKind

SOURCES: list[tuple[str, float]] = [
    (LeadSource.WEB_FORM, 0.35),
    (LeadSource.EVENT, 0.2),
    (LeadSource.REFERRAL, 0.12),
    (LeadSource.IMPORT, 0.13),
    (LeadSource.API, 0.1),
    (LeadSource.MANUAL, 0.1),
]
# How likely a converted lead's deal is won, by source: referrals close best.
WIN_RATE = {"referral": 0.75, "event": 0.5, "manual": 0.45, "web_form": 0.35, "api": 0.3, "import": 0.2}
TITLES = ["대표이사", "이사", "팀장", "과장", "대리", "매니저", "CTO", "구매 담당", "연구원", "학생"]
RULES = [
    ("소개로 유입 / Referral", "source", "equals", "referral", 20),
    ("행사에서 만남 / Met at an event", "source", "equals", "event", 10),
    ("의사결정권자 / Decision maker", "job_title", "contains", "대표, 이사, CTO", 15),
    ("직원 100명 이상 / 100+ employees", "company_size", "at_least", "100", 10),
    ("이메일 있음 / Has e-mail", "email", "present", "", 5),
    ("두 번 이상 연락 / Two or more activities", "activities", "at_least", "2", 15),
    ("학생 / Student", "job_title", "contains", "학생", -25),
]


@dataclass
class LeadSummary:
    leads: int
    converted: int
    closed: int
    learned: bool


def reset_leads() -> None:
    """Delete the demo leads and the deals their conversion created (before the customers go)."""
    with transaction.atomic():
        opportunity_ids = list(
            Lead.objects.exclude(converted_opportunity=None).values_list("converted_opportunity", flat=True)
        )
        Lead.objects.all().delete()
        Opportunity.objects.filter(pk__in=opportunity_ids).delete()
        for model in (LeadForm, ScoringRule, AssignmentRule, LeadScoreModel):
            model.objects.all().delete()


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def generate_leads(*, users: dict[str, User], count: int = 300, seed: int = 20261129) -> LeadSummary:
    rng = random.Random(seed)
    admin, reps = users["admin"], [users["rep1"], users["rep2"]]
    if not ScoringRule.objects.exists():
        for label, field, operator, value, points in RULES:
            scoring_rule_create(
                data={"label": label, "field": field, "operator": operator, "value": value, "points": points},
                actor=admin,
            )
    if not AssignmentRule.objects.exists():
        region = users["manager"].team
        gangnam, mapo = reps[0].team, reps[1].team
        if gangnam is not None and mapo is not None and region is not None:
            assignment_rule_create(
                data={
                    "name": "강남·서초 / Gangnam",
                    "field": "region",
                    "values": "서울특별시",
                    "strategy": "load",
                    "team_id": gangnam.pk,
                },
                actor=admin,
            )
            assignment_rule_create(
                data={"name": "그 외 / Everyone else", "strategy": "round_robin", "team_id": mapo.pk},
                actor=admin,
            )
    if not LeadForm.objects.exists():
        lead_form_create(
            data={
                "name": "홈페이지 상담 신청 / Website enquiry",
                "owner_id": reps[0].pk,
                "campaign": "2026 봄",
                "consent_purpose": "신제품·행사 안내 / product and event news",
            },
            actor=admin,
        )
    now = timezone.now()
    created: list[Lead] = []
    for i in range(count):
        family = rng.choice([f for f, _w in vocab.FAMILY_NAMES])
        given = rng.choice(vocab.GIVEN_NAMES)
        company = (
            rng.choice(vocab.COMPANY_STEMS) + rng.choice(vocab.COMPANY_KINDS) if rng.random() < 0.85 else ""
        )
        place = rng.choice(vocab.PLACES)
        source = _pick(rng, SOURCES)
        data = {
            "family_name": family,
            "given_name": given,
            "company": company,
            "job_title": rng.choice(TITLES),
            "industry": rng.choice(vocab.INDUSTRIES),
            "company_size": rng.choice([5, 12, 30, 80, 150, 400, 1200]),
            "email": f"lead{seed % 1000}-{i}@{rng.choice(vocab.EMAIL_DOMAINS)}" if rng.random() < 0.9 else "",
            "phone": f"010-{rng.randint(2000, 4999)}-{rng.randint(1000, 9999)}",
            "region": place[0],
            "consent_email": rng.random() < 0.4,
            "consent_purpose": "신제품·행사 안내",
            "campaign": "2026 봄" if source == LeadSource.WEB_FORM else "",
            "utm_source": rng.choice(["naver", "google", "kakao"]) if source == LeadSource.WEB_FORM else "",
        }
        lead = lead_create(data=data, actor=admin, source=source, auto_assign=True)
        at = now - dt.timedelta(days=rng.uniform(0, 180))
        Lead.objects.filter(pk=lead.pk).update(created_at=at, updated_at=at)
        LeadEvent.objects.filter(lead=lead).update(at=at)
        for n in range(rng.choice([0, 0, 1, 2, 3])):
            lead_activity_add(
                lead=lead,
                data={
                    "kind": rng.choice(["call", "email", "meeting"]),
                    "subject": ["소개 통화", "자료 송부", "방문 미팅"][n % 3],
                },
                actor=lead.owner,
            )
        created.append(lead)
    converted = closed = 0
    won_stage_cache: dict[int, dict[str, int]] = {}
    for lead in created:
        lead.refresh_from_db()
        if rng.random() > 0.3 or not lead.company:
            continue
        done = lead_convert(
            lead=lead,
            data={"create_opportunity": True, "amount": rng.choice([5, 12, 30, 80]) * 1_000_000},
            actor=lead.owner,
        )
        converted += 1
        opportunity = done.converted_opportunity
        if opportunity is None or rng.random() < 0.2:
            continue
        stages = won_stage_cache.setdefault(
            opportunity.pipeline_id,
            {s.kind: s.pk for s in opportunity.pipeline.stages.exclude(kind=StageKind.OPEN)},
        )
        outcome = StageKind.WON if rng.random() < WIN_RATE.get(lead.source, 0.3) else StageKind.LOST
        Opportunity.objects.filter(pk=opportunity.pk).update(
            status=outcome,
            stage_id=stages.get(outcome, opportunity.stage_id),
            closed_at=now,
            probability=100 if outcome == StageKind.WON else 0,
        )
        closed += 1
    learned = lead_score_model_train(actor=admin) is not None
    if learned:
        from inyeon.leads.services import leads_rescore

        leads_rescore(actor=admin)
    for status in (LeadStatus.QUALIFIED, LeadStatus.UNQUALIFIED):
        open_ids = list(
            Lead.objects.filter(status=LeadStatus.WORKING).values_list("pk", flat=True)[: count // 10]
        )
        Lead.objects.filter(pk__in=open_ids).update(status=status)
    return LeadSummary(leads=count, converted=converted, closed=closed, learned=learned)
