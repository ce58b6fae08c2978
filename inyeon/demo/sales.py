"""Demo opportunities: a few hundred deals across the default pipeline's stages, owners and close
dates, each with a plausible stage history, so the pipeline board looks like a working team's."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from inyeon.core.models import User
from inyeon.customers.models import Account, Contact
from inyeon.sales.models import (
    CloseReason,
    ForecastCategory,
    Opportunity,
    OpportunityStageChange,
    StageKind,
)
from inyeon.sales.selectors import pipeline_default

DEAL_KINDS = [
    "ERP 도입",
    "CRM 구축",
    "클라우드 전환",
    "보안 점검",
    "유지보수 갱신",
    "라이선스 추가",
    "데이터 분석 컨설팅",
    "교육 프로그램",
    "물류 자동화",
    "콜센터 솔루션",
]


def reset_opportunities() -> None:
    OpportunityStageChange.objects.all().delete()
    Opportunity.objects.all().delete()


def generate_opportunities(*, seed: int, users: dict[str, User], count: int = 400) -> int:
    """Bulk-creates `count` opportunities (about 70% open) with their stage history; returns the count."""
    rng = random.Random(seed)
    pipeline = pipeline_default()
    stages = list(pipeline.stages.order_by("position"))
    open_stages = [s for s in stages if s.kind == StageKind.OPEN]
    won = next(s for s in stages if s.kind == StageKind.WON)
    lost = next(s for s in stages if s.kind == StageKind.LOST)
    reasons = {k: list(CloseReason.objects.filter(kind=k, active=True)) for k in ("won", "lost")}
    owners = [users["rep1"], users["rep1"], users["rep2"], users["rep2"], users["manager"]]
    accounts = list(Account.objects.order_by("pk").values_list("pk", "owner_id")[:300])
    contacts_by_account: dict[int, int] = dict(
        Contact.objects.filter(account_id__in=[a for a, _o in accounts])
        .order_by("account_id", "pk")
        .values_list("account_id", "pk")
    )
    today = timezone.localdate()
    now = timezone.now()
    rows: list[Opportunity] = []
    paths: list[list[int]] = []
    for i in range(count):
        owner = rng.choice(owners)
        account_id = rng.choice(accounts)[0] if accounts and rng.random() < 0.9 else None
        roll = rng.random()
        if roll < 0.7:
            stage = rng.choices(open_stages, weights=[40, 30, 20, 10][: len(open_stages)])[0]
            close_date = today + dt.timedelta(days=rng.randint(-10, 150))
        else:
            stage = won if roll < 0.82 else lost
            close_date = today - dt.timedelta(days=rng.randint(0, 120))
        path = [s.pk for s in open_stages if s.position <= stage.position][: max(1, rng.randint(1, 4))]
        if stage.kind == StageKind.OPEN:
            path = [s.pk for s in open_stages if s.position <= stage.position]
        else:
            path.append(stage.pk)
        created = now - dt.timedelta(days=rng.randint(len(path) * 7, 200))
        closed = stage.kind != StageKind.OPEN
        amount = rng.choice([3, 5, 8, 12, 20, 35, 50, 80, 120, 250]) * 1_000_000
        rows.append(
            Opportunity(
                name=f"{rng.choice(DEAL_KINDS)} {i + 1:03d}",
                account_id=account_id,
                contact_id=contacts_by_account.get(account_id) if account_id else None,
                pipeline=pipeline,
                stage=stage,
                amount=amount,
                currency="KRW",
                close_date=close_date,
                probability=stage.probability,
                forecast_category=ForecastCategory.CLOSED
                if closed
                else rng.choice(
                    [ForecastCategory.PIPELINE] * 3 + [ForecastCategory.BEST_CASE, ForecastCategory.COMMIT]
                ),
                status=stage.kind,
                close_reason=rng.choice(reasons[stage.kind]) if closed and reasons[stage.kind] else None,
                closed_at=timezone.make_aware(dt.datetime.combine(close_date, dt.time(15)))
                if closed
                else None,
                source=rng.choice(["웹사이트", "소개", "전시회", "콜드콜", "파트너"]),
                owner=owner,
                team=owner.team,
                created_at=created,
                updated_at=created,
            )
        )
        paths.append(path)
    with transaction.atomic():
        made = Opportunity.objects.bulk_create(rows, batch_size=1000)
        history: list[OpportunityStageChange] = []
        for opp, path in zip(made, paths, strict=True):
            when = opp.created_at
            previous = None
            for stage_id in path:
                history.append(
                    OpportunityStageChange(
                        opportunity=opp,
                        from_stage_id=previous,
                        to_stage_id=stage_id,
                        changed_by_id=opp.owner_id,
                        changed_at=when,
                    )
                )
                previous = stage_id
                when = min(when + dt.timedelta(days=rng.randint(3, 20)), now)
        OpportunityStageChange.objects.bulk_create(history, batch_size=2000)
    return len(made)
