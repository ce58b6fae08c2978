"""Writes of targets, incentive plans, plan assignments and payout statements.

Each validates everything first (naming each bad field), is atomic and audited. Targets and plans
are set by admins, and by managers for the teams and people of their subtree
(`inyeon.core.visibility.manages`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, save_with_audit, snapshot
from inyeon.core.models import Team, User
from inyeon.core.visibility import can_manage_targets, is_admin, manages
from inyeon.customers.choices import OrderStatus
from inyeon.customers.models import Order, OrderLine
from inyeon.customers.services import check_version
from inyeon.customers.validation import Errors, clean_choice, clean_currency, clean_int, clean_text
from inyeon.forecasts.models import (
    IncentiveAssignment,
    IncentivePlan,
    PayoutLine,
    PayoutStatement,
    PeriodKind,
    PlanKind,
    Target,
)
from inyeon.forecasts.periods import Period, parse_period
from inyeon.forecasts.selectors import credited_orders, in_period, period_bounds
from inyeon.sales.models import Opportunity, StageKind

TARGET_AUDIT_FIELDS = ("user", "team", "period_kind", "period_start", "amount", "currency")
PLAN_AUDIT_FIELDS = ("name", "kind", "period_kind", "currency", "rates", "default_rate", "active")
HUNDRED = Decimal(100)


def require_manager(actor: User) -> None:
    if not can_manage_targets(actor):
        raise PermissionDenied(_("Only managers and administrators may set targets and incentives."))


# --- targets ----------------------------------------------------------------------------------


def _clean_amount(data: Mapping[str, Any], errors: Errors, *, required: bool) -> int | None:
    if "amount" not in data or data["amount"] in (None, ""):
        if required:
            errors.add("amount", _("This field is required."))
        return None
    amount = clean_int(data, "amount", errors)
    if amount is not None and amount <= 0:
        errors.add("amount", _("The amount must be positive."))
    return amount


def _subject(data: Mapping[str, Any], actor: User, errors: Errors) -> tuple[User | None, Team | None]:
    user_id = clean_int(data, "user_id", errors)
    team_id = clean_int(data, "team_id", errors)
    if errors.by_field.get("user_id") or errors.by_field.get("team_id"):
        return None, None
    if (user_id is None) == (team_id is None):
        errors.add("user_id", _("Set the target for either a rep (user_id) or a team (team_id)."))
        return None, None
    if user_id is not None:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None or not manages(actor, user=user):
            errors.add("user_id", _("No such user, or you may not set their target."))
            return None, None
        return user, None
    team = Team.objects.filter(pk=team_id).first() if team_id is not None else None
    if team is None or not manages(actor, team_id=team.pk):
        errors.add("team_id", _("No such team, or you may not set its target."))
        return None, None
    return None, team


def target_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Target:
    """A target for a rep or a team of the actor's subtree, for one month or quarter."""
    require_manager(actor)
    errors = Errors()
    user, team = _subject(data, actor, errors)
    period: Period | None = None
    try:
        period = parse_period(str(data.get("period") or ""), field="period")
        if not str(data.get("period") or "").strip():
            errors.add("period", _("This field is required."))
    except ValidationError as exc:
        errors.add("period", exc.message_dict["period"][0])
    amount = _clean_amount(data, errors, required=True)
    currency = clean_currency(str(data.get("currency") or "KRW"), "currency", errors)
    if (
        period is not None
        and (user or team)
        and not errors.by_field
        and Target.objects.filter(
            Q(user=user) if user else Q(team=team), period_kind=period.kind, period_start=period.start
        ).exists()
    ):
        errors.add("period", _("There is already a target for this rep or team and period."))
    errors.raise_if_any()
    assert period is not None and amount is not None
    try:
        with transaction.atomic():
            target = Target.objects.create(
                user=user,
                team=team,
                period_kind=period.kind,
                period_start=period.start,
                amount=amount,
                currency=currency,
                created_by=actor,
            )
            audit(
                actor=actor,
                action="create",
                entity="target",
                entity_id=target.pk,
                ip=ip,
                changes={k: [None, v] for k, v in snapshot(target, TARGET_AUDIT_FIELDS).items()},
            )
    except IntegrityError:
        # Two managers setting the same target at once: the unique constraint decides.
        raise ValidationError(
            {"period": [_("There is already a target for this rep or team and period.")]}
        ) from None
    return target


def _require_manages_target(actor: User, target: Target) -> None:
    require_manager(actor)
    if not manages(actor, user=target.user, team_id=target.team_id if target.user is None else None):
        raise PermissionDenied(_("You may not change this target."))


def target_update(
    *,
    target: Target,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Target:
    """Change a target's amount or currency (its rep or team and period stay)."""
    _require_manages_target(actor, target)
    errors = Errors()
    changes: dict[str, Any] = {}
    amount = _clean_amount(data, errors, required=False)
    if amount is not None:
        changes["amount"] = amount
    if data.get("currency") not in (None, ""):
        changes["currency"] = clean_currency(str(data["currency"]), "currency", errors)
    errors.raise_if_any()
    with transaction.atomic():
        locked = Target.objects.select_for_update().get(pk=target.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, TARGET_AUDIT_FIELDS)
        for name, value in changes.items():
            setattr(locked, name, value)
        save_with_audit(locked, before, TARGET_AUDIT_FIELDS, actor=actor, entity="target", ip=ip)
    return locked


def target_delete(*, target: Target, actor: User, ip: str | None = None) -> None:
    _require_manages_target(actor, target)
    with transaction.atomic():
        before = snapshot(target, TARGET_AUDIT_FIELDS)
        pk = target.pk
        target.delete()
        audit(
            actor=actor,
            action="delete",
            entity="target",
            entity_id=pk,
            ip=ip,
            changes={k: [v, None] for k, v in before.items()},
        )


# --- incentive plans --------------------------------------------------------------------------


def _clean_rate(value: Any, field: str, errors: Errors) -> Decimal | None:
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not rate.is_finite() or rate < 0 or rate > HUNDRED:
        errors.add(field, _("A rate is a percentage from 0 to 100."))
        return None
    return rate.quantize(Decimal("0.001"))


def _clean_rates(kind: str, value: Any, errors: Errors) -> list[dict[str, Any]]:
    """The rate table of a plan of `kind`, with every bad entry named (`rates[2].rate`)."""
    if not isinstance(value, list | tuple) or not value:
        errors.add("rates", _("Enter at least one rate."))
        return []
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for i, raw in enumerate(value):
        where = f"rates[{i}]"
        if not isinstance(raw, Mapping):
            errors.add(where, _("Enter a rate entry."))
            continue
        rate = _clean_rate(raw.get("rate"), f"{where}.rate", errors)
        if kind == PlanKind.PRODUCT_CATEGORY:
            category = str(raw.get("category") or "").strip()
            if not category or len(category) > 100:
                errors.add(f"{where}.category", _("Enter a product category (at most 100 characters)."))
            elif category in seen:
                errors.add(f"{where}.category", _("This category is listed twice."))
            seen.add(category)
            if rate is not None:
                out.append({"category": category, "rate": str(rate)})
        else:
            try:
                low = Decimal(str(raw.get("from_pct")).strip())
            except (InvalidOperation, ValueError):
                errors.add(f"{where}.from_pct", _("Enter a number."))
                continue
            if not low.is_finite() or low < 0:
                errors.add(f"{where}.from_pct", _("The value must be at least %(n)d.") % {"n": 0})
                continue
            if low in seen:
                errors.add(f"{where}.from_pct", _("This band is listed twice."))
            seen.add(low)
            if rate is not None:
                out.append({"from_pct": str(low.normalize()), "rate": str(rate)})
    if kind == PlanKind.ATTAINMENT and not errors.by_field and Decimal(0) not in seen:
        errors.add("rates", _("The attainment bands must start at 0%."))
    if kind == PlanKind.ATTAINMENT:
        out.sort(key=lambda r: Decimal(r["from_pct"]))
    return out


def _clean_plan(data: Mapping[str, Any], errors: Errors, plan: IncentivePlan | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    creating = plan is None
    if creating or "name" in data:
        fields["name"] = clean_text({"name": data.get("name")}, "name", errors, max_length=120, required=True)
    if creating or "kind" in data:
        fields["kind"] = clean_choice(
            {"kind": data.get("kind")}, "kind", errors, PlanKind.values, allow_blank=False
        )
    if creating or data.get("period_kind") not in (None, ""):
        fields["period_kind"] = clean_choice(
            {"period_kind": data.get("period_kind") or PeriodKind.QUARTER},
            "period_kind",
            errors,
            PeriodKind.values,
            allow_blank=False,
        )
    if creating or data.get("currency") not in (None, ""):
        fields["currency"] = clean_currency(str(data.get("currency") or "KRW"), "currency", errors)
    if creating or data.get("default_rate") not in (None, ""):
        fields["default_rate"] = _clean_rate(data.get("default_rate") or 0, "default_rate", errors)
    if "active" in data and data["active"] is not None:
        fields["active"] = bool(data["active"])
    kind = fields.get("kind") or (plan.kind if plan else "")
    if (creating or "rates" in data) and kind in PlanKind.values:
        fields["rates"] = _clean_rates(kind, data.get("rates"), errors)
    elif plan is not None and "kind" in fields and fields["kind"] != plan.kind:
        errors.add("rates", _("A plan of another kind needs a new rate table."))
    return fields


def require_plan_admin(actor: User) -> None:
    """Plans apply across teams: admins shape them; managers put their reps on them."""
    if not (is_admin(actor) and can_manage_targets(actor)):
        raise PermissionDenied(_("Only administrators may create or change incentive plans."))


def plan_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> IncentivePlan:
    require_plan_admin(actor)
    errors = Errors()
    fields = _clean_plan(data, errors, None)
    errors.raise_if_any()
    with transaction.atomic():
        plan = IncentivePlan.objects.create(created_by=actor, **fields)
        audit(
            actor=actor,
            action="create",
            entity="incentive_plan",
            entity_id=plan.pk,
            ip=ip,
            changes={k: [None, v] for k, v in snapshot(plan, PLAN_AUDIT_FIELDS).items()},
        )
    return plan


def plan_update(
    *,
    plan: IncentivePlan,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> IncentivePlan:
    require_plan_admin(actor)
    errors = Errors()
    fields = _clean_plan(data, errors, plan)
    errors.raise_if_any()
    with transaction.atomic():
        locked = IncentivePlan.objects.select_for_update().get(pk=plan.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, PLAN_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        save_with_audit(locked, before, PLAN_AUDIT_FIELDS, actor=actor, entity="incentive_plan", ip=ip)
    return locked


def _clean_day(data: Mapping[str, Any], field: str, errors: Errors, *, required: bool) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def assignment_create(
    *, plan: IncentivePlan, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> IncentiveAssignment:
    """Put a rep of the actor's subtree on `plan` from `valid_from` to `valid_to` (inclusive)."""
    require_manager(actor)
    errors = Errors()
    user_id = clean_int(data, "user_id", errors)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id is not None else None
    if user is None or not manages(actor, user=user):
        if not errors.by_field.get("user_id"):
            errors.add("user_id", _("No such user, or you may not assign them."))
        user = None
    valid_from = _clean_day(data, "valid_from", errors, required=True)
    valid_to = _clean_day(data, "valid_to", errors, required=False)
    if valid_from and valid_to and valid_to < valid_from:
        errors.add("valid_to", _("The end must not be before the start."))
    if user is not None and valid_from is not None and not errors.by_field:
        overlapping = IncentiveAssignment.objects.filter(plan=plan, user=user).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
        )
        if valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=valid_to)
        if overlapping.exists():
            errors.add("valid_from", _("The rep is already on this plan for part of this time."))
    errors.raise_if_any()
    assert user is not None and valid_from is not None
    with transaction.atomic():
        assignment = IncentiveAssignment.objects.create(
            plan=plan, user=user, valid_from=valid_from, valid_to=valid_to, created_by=actor
        )
        audit(
            actor=actor,
            action="create",
            entity="incentive_assignment",
            entity_id=assignment.pk,
            ip=ip,
            changes={
                "plan": [None, plan.pk],
                "user": [None, user.pk],
                "valid_from": [None, valid_from.isoformat()],
                "valid_to": [None, valid_to.isoformat() if valid_to else None],
            },
        )
    return assignment


def assignment_delete(*, assignment: IncentiveAssignment, actor: User, ip: str | None = None) -> None:
    require_manager(actor)
    if not manages(actor, user=assignment.user):
        raise PermissionDenied(_("You may not change this assignment."))
    with transaction.atomic():
        pk = assignment.pk
        changes = {"plan": [assignment.plan_id, None], "user": [assignment.user_id, None]}
        assignment.delete()
        audit(
            actor=actor, action="delete", entity="incentive_assignment", entity_id=pk, ip=ip, changes=changes
        )


# --- payouts ----------------------------------------------------------------------------------


def commission(base: int, rate: Decimal) -> int:
    """`rate` percent of `base` minor units, rounded half up to a whole minor unit."""
    return int((Decimal(base) * rate / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band_rate(plan: IncentivePlan, attainment_pct: Decimal | None) -> Decimal:
    """The rate of the highest band whose lower bound the attainment reaches (the lowest band when
    there is no target to measure against)."""
    bands = sorted(((Decimal(r["from_pct"]), Decimal(r["rate"])) for r in plan.rates), key=lambda b: b[0])
    if not bands:
        return Decimal(0)
    rate = bands[0][1]
    for low, band in bands:
        if attainment_pct is not None and attainment_pct >= low:
            rate = band
    return rate


def _category_lines(plan: IncentivePlan, user: User, period: Period) -> list[PayoutLine]:
    rates = {r["category"]: Decimal(r["rate"]) for r in plan.rates}
    default = Decimal(plan.default_rate)
    start, end = period_bounds(period)
    orders = Order.objects.filter(
        owner=user,
        status=OrderStatus.COMPLETED,
        currency=plan.currency,
        ordered_at__gte=start,
        ordered_at__lt=end,
    )
    lines: list[PayoutLine] = []
    order_lines = (
        OrderLine.objects.filter(order__in=orders)
        .select_related("order", "product")
        .order_by("order_id", "pk")
    )
    with_lines: set[int] = set()
    for line in order_lines:
        with_lines.add(line.order_id)
        category = line.product.category if line.product else ""
        rate = rates.get(category, default)
        label = line.product.name_ko if line.product else line.description
        lines.append(
            PayoutLine(
                order=line.order,
                order_line=line,
                description=f"{line.order}: {label}"[:250],
                category=category,
                base=line.amount,
                rate=rate,
                amount=commission(line.amount, rate),
            )
        )
    # An order recorded with a total only has no category: the default rate applies.
    for order in orders.exclude(pk__in=with_lines).order_by("pk"):
        lines.append(
            PayoutLine(
                order=order,
                description=str(order)[:250],
                base=order.total_amount,
                rate=default,
                amount=commission(order.total_amount, default),
            )
        )
    return lines


def _attainment_lines(
    plan: IncentivePlan, user: User, period: Period
) -> tuple[list[PayoutLine], int | None, Decimal | None]:
    from inyeon.forecasts.figures import percent

    target = Target.objects.filter(
        user=user, period_kind=period.kind, period_start=period.start, currency=plan.currency
    ).first()
    won = list(
        in_period(
            Opportunity.objects.filter(owner=user, status=StageKind.WON, currency=plan.currency), period
        ).order_by("closed_at", "pk")
    )
    orders = list(
        credited_orders(Order.objects.filter(owner=user), period)
        .filter(currency=plan.currency)
        .order_by("ordered_at", "pk")
    )
    attained = sum(o.amount for o in won) + sum(o.total_amount for o in orders)
    pct = percent(attained, target.amount if target else None)
    rate = band_rate(plan, pct)
    lines = [
        PayoutLine(
            opportunity=o,
            description=o.name[:250],
            base=o.amount,
            rate=rate,
            amount=commission(o.amount, rate),
        )
        for o in won
    ]
    lines += [
        PayoutLine(
            order=o,
            description=str(o)[:250],
            base=o.total_amount,
            rate=rate,
            amount=commission(o.total_amount, rate),
        )
        for o in orders
    ]
    return lines, (target.amount if target else None), pct


def payout_compute(
    *,
    plan: IncentivePlan,
    period: Period,
    actor: User,
    user_ids: list[int] | None = None,
    ip: str | None = None,
) -> list[PayoutStatement]:
    """(Re)compute the statements of `plan` for `period`: one per rep on the plan during the period
    whom the actor manages (or only `user_ids`). Recomputing replaces the lines of a statement and
    bumps its version; the statement keeps its id."""
    require_manager(actor)
    if period.kind != plan.period_kind:
        raise ValidationError(
            {"period": [_("This plan pays per %(kind)s.") % {"kind": plan.get_period_kind_display()}]}
        )
    assignments = plan.assignments.filter(valid_from__lt=period.end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
    )
    if user_ids is not None:
        assignments = assignments.filter(user_id__in=user_ids)
    reps = sorted(
        {a.user for a in assignments.select_related("user") if manages(actor, user=a.user)},
        key=lambda u: u.pk,
    )
    statements = []
    for rep in reps:
        statements.append(_statement_compute(plan, period, rep, actor, ip))
    return statements


def _statement_compute(
    plan: IncentivePlan, period: Period, rep: User, actor: User, ip: str | None
) -> PayoutStatement:
    target_amount: int | None = None
    pct: Decimal | None = None
    if plan.kind == PlanKind.PRODUCT_CATEGORY:
        lines = _category_lines(plan, rep, period)
    else:
        lines, target_amount, pct = _attainment_lines(plan, rep, period)
    with transaction.atomic():
        statement, created = PayoutStatement.objects.select_for_update().get_or_create(
            plan=plan,
            user=rep,
            period_kind=period.kind,
            period_start=period.start,
            defaults={"currency": plan.currency, "computed_by": actor},
        )
        before = {"base_total": statement.base_total, "amount_total": statement.amount_total}
        if not created:
            statement.lines.all().delete()
            statement.version += 1
        for line in lines:
            line.statement = statement
        PayoutLine.objects.bulk_create(lines)
        statement.currency = plan.currency
        statement.base_total = sum(line.base for line in lines)
        statement.amount_total = sum(line.amount for line in lines)
        statement.target_amount = target_amount
        statement.attainment_pct = pct
        statement.computed_at = timezone.now()
        statement.computed_by = actor
        statement.save()
        audit(
            actor=actor,
            action="create" if created else "update",
            entity="payout_statement",
            entity_id=statement.pk,
            ip=ip,
            changes={
                "base_total": [None if created else before["base_total"], statement.base_total],
                "amount_total": [None if created else before["amount_total"], statement.amount_total],
                "lines": [None, len(lines)],
            },
        )
    return statement
