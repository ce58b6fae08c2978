"""Lead scores: transparent rules an admin keeps as data (points with a reason each), plus a learned
win probability once enough converted leads have been won or lost.

A score's reasons are stored on the lead as a list of {"points", "reason"} (rules) and one
{"points", "kind": "learned", "probability", "outcomes"} entry (the learned part), so the lead page
can say where every point came from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from inyeon.leads.learn import fit_logistic, predict
from inyeon.leads.models import Lead, LeadEvent, LeadScoreModel, LeadSource, ScoringOperator, ScoringRule
from inyeon.sales.models import StageKind


def min_outcomes() -> int:
    """Won + lost outcomes needed before the learned score is used (`INYEON_LEAD_MIN_OUTCOMES`)."""
    return int(getattr(settings, "INYEON_LEAD_MIN_OUTCOMES", 50))


def _values(rule: ScoringRule) -> list[str]:
    return [v.strip().casefold() for v in rule.value.split(",") if v.strip()]


def field_value(lead: Lead, field: str, activities: int) -> Any:
    if field == "activities":
        return activities
    return getattr(lead, field)


def rule_matches(rule: ScoringRule, lead: Lead, activities: int) -> bool:
    value = field_value(lead, rule.field, activities)
    if rule.operator == ScoringOperator.PRESENT:
        return bool(value)
    if rule.operator in (ScoringOperator.AT_LEAST, ScoringOperator.AT_MOST):
        try:
            limit = float(rule.value.strip())
        except ValueError:
            return False
        if value is None or value == "":
            return False
        number = float(value)
        return number >= limit if rule.operator == ScoringOperator.AT_LEAST else number <= limit
    text = str(value if value is not None else "").casefold()
    if not text:
        return False
    if rule.operator == ScoringOperator.EQUALS:
        return text in _values(rule)
    return any(v in text for v in _values(rule))


def activity_count(lead: Lead) -> int:
    if lead.pk is None:
        return 0
    return lead.events.filter(kind=LeadEvent.Kind.ACTIVITY).count()


def features(lead: Lead, rules: Iterable[ScoringRule], activities: int) -> dict[str, float]:
    """The same facts the rules look at, as numbers for the learned model."""
    out = {f"rule:{r.pk}": float(rule_matches(r, lead, activities)) for r in rules}
    for source in LeadSource.values:
        out[f"source:{source}"] = float(lead.source == source)
    out["has_email"] = float(bool(lead.email))
    out["has_phone"] = float(bool(lead.phone))
    out["has_company"] = float(bool(lead.company))
    out["activities"] = math.log1p(activities)
    out["company_size"] = math.log1p(lead.company_size or 0)
    return out


def current_model() -> LeadScoreModel | None:
    """The latest learned model, only if it was fitted on enough outcomes."""
    model = LeadScoreModel.objects.order_by("-trained_at", "-id").first()
    if model is None or model.outcomes < min_outcomes():
        return None
    return model


def compute(
    lead: Lead,
    *,
    rules: list[ScoringRule] | None = None,
    model: LeadScoreModel | bool | None = True,
    activities: int | None = None,
) -> tuple[int, list[dict[str, Any]], float | None]:
    """(score, reasons, win probability) of `lead`; `model=True` looks up the current model."""
    rules = list(ScoringRule.objects.filter(active=True)) if rules is None else rules
    activities = activity_count(lead) if activities is None else activities
    reasons: list[dict[str, Any]] = [
        {"points": r.points, "reason": r.label, "rule": r.pk}
        for r in rules
        if rule_matches(r, lead, activities)
    ]
    score = sum(r["points"] for r in reasons)
    learned = current_model() if model is True else (model or None)
    probability: float | None = None
    if isinstance(learned, LeadScoreModel):
        facts = features(lead, rules, activities)
        x = np.array([[facts.get(name, 0.0) for name in learned.features]], dtype=np.float64)
        probability = float(
            predict(x, np.array(learned.coefficients, dtype=np.float64), learned.intercept)[0]
        )
        points = round(probability * 100 - 50)
        reasons.append(
            {"points": points, "kind": "learned", "probability": probability, "outcomes": learned.outcomes}
        )
        score += points
    return score, reasons, probability


def closed_outcomes() -> list[tuple[Lead, int]]:
    """Converted leads whose opportunity is won (1) or lost (0)."""
    rows = Lead.objects.filter(
        converted_opportunity__status__in=[StageKind.WON, StageKind.LOST]
    ).select_related("converted_opportunity")
    return [(lead, int(lead.converted_opportunity.status == StageKind.WON)) for lead in rows]  # type: ignore[union-attr]


def train() -> LeadScoreModel | None:
    """Fit and store a model from the won/lost history; None when there is not enough of it (or it is
    all one outcome, which teaches nothing)."""
    outcomes = closed_outcomes()
    won = sum(y for _lead, y in outcomes)
    if len(outcomes) < min_outcomes() or won in (0, len(outcomes)):
        return None
    rules = list(ScoringRule.objects.filter(active=True))
    counts = dict(
        LeadEvent.objects.filter(kind=LeadEvent.Kind.ACTIVITY, lead__in=[lead for lead, _y in outcomes])
        .values_list("lead")
        .annotate(n=Count("id"))
        .values_list("lead", "n")
    )
    rows = [features(lead, rules, counts.get(lead.pk, 0)) for lead, _y in outcomes]
    names = sorted(rows[0])
    x = np.array([[row[name] for name in names] for row in rows], dtype=np.float64)
    y = np.array([label for _lead, label in outcomes], dtype=np.float64)
    coefficients, intercept = fit_logistic(x, y)
    return LeadScoreModel.objects.create(
        outcomes=len(outcomes),
        won=won,
        features=names,
        coefficients=[float(c) for c in coefficients],
        intercept=intercept,
    )


def reason_text(reason: dict[str, Any]) -> str:
    """A stored reason as a sentence in the reader's language."""
    if reason.get("kind") == "learned":
        return _("Learned from %(n)s won and lost deals: %(p)s%% likely to win") % {
            "n": reason.get("outcomes", 0),
            "p": round(100 * float(reason.get("probability") or 0)),
        }
    return str(reason.get("reason", ""))
