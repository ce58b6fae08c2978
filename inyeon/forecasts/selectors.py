"""Reads of forecasts, targets, attainment, incentive plans, payouts and the sales dashboard.

Everything starts from `opportunities_visible` / `orders_visible` (or `visible_sales_rows` for rows
about people), so what a user sees follows the one visibility layer. The roll-up aggregates in SQL
(GROUP BY team, owner, status, category): Python only walks the few grouped rows up the team tree.

Period rule (`in_period`): an open opportunity belongs to the period of its expected `close_date`, a
won or lost one to the period of its `closed_at` (its `close_date` when it has none). Orders belong
to the period of `ordered_at`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.models import Team, User
from inyeon.core.pagination import Page, keyset_page
from inyeon.core.roles import Scope
from inyeon.core.visibility import can_manage_targets, scope_of, team_subtree_ids, visible_sales_rows
from inyeon.customers.choices import OrderStatus
from inyeon.customers.models import Order
from inyeon.customers.selectors import orders_visible
from inyeon.forecasts.figures import OPEN_CATEGORIES, Figures, percent
from inyeon.forecasts.models import IncentivePlan, PayoutStatement, Target
from inyeon.forecasts.periods import Period
from inyeon.sales.models import ForecastCategory, Opportunity, Stage, StageKind
from inyeon.sales.selectors import opportunities_visible

LEVELS = ("company", "region", "team", "rep")
TOP_DEALS = 10


def default_currency() -> str:
    return str(settings.INYEON_DEFAULT_CURRENCY)


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes in the site's time zone (for `ordered_at`, `closed_at`)."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(period.start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(period.end, dt.time.min, tzinfo=tz),
    )


CLOSED = (StageKind.WON, StageKind.LOST)


def in_period(queryset: QuerySet[Opportunity], period: Period) -> QuerySet[Opportunity]:
    """Open deals whose expected `close_date` falls in `period`, closed ones whose `closed_at` does
    (the move service stamps `closed_at` and leaves `close_date` as it was); a closed deal without
    `closed_at` (imported history) falls back to its `close_date`."""
    start, end = period_bounds(period)
    in_dates = Q(close_date__gte=period.start, close_date__lt=period.end)
    return queryset.filter(
        Q(in_dates, status=StageKind.OPEN)
        | Q(status__in=CLOSED, closed_at__gte=start, closed_at__lt=end)
        | Q(in_dates, status__in=CLOSED, closed_at__isnull=True)
    )


# --- the grouped sums ---------------------------------------------------------------------------


def _category_of(status: str, category: str) -> str | None:
    """Which bucket a grouped row adds to: won, an open category, or None (omitted, lost)."""
    if status == StageKind.WON:
        return "won"
    if status != StageKind.OPEN or category == ForecastCategory.OMITTED:
        return None
    return category if category in OPEN_CATEGORIES else ForecastCategory.PIPELINE


def _add_group(fig: Figures, bucket: str, count: int, amount: int, weighted: int) -> None:
    if bucket == "won":
        fig.won_count += count
        fig.won += amount
        return
    setattr(fig, f"{bucket}_count", getattr(fig, f"{bucket}_count") + count)
    setattr(fig, bucket, getattr(fig, bucket) + amount)
    fig.weighted_open += weighted


def _group_rows(user: User, period: Period, *, owner_id: int | None = None) -> list[tuple[Any, ...]]:
    """(team, owner, currency, status, category, count, amount, weighted) of the open and won
    deals `user` sees in `period`: one GROUP BY query; weighted = Σ amount × probability / 100."""
    qs = in_period(opportunities_visible(user), period).filter(status__in=[StageKind.OPEN, StageKind.WON])
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    return list(
        qs.values_list("team_id", "owner_id", "currency", "status", "forecast_category")
        .annotate(n=Count("id"), total=Sum("amount"), wsum=Sum(F("amount") * F("probability") / 100))
        .order_by()
    )


def _figures_by_group(rows: list[tuple[Any, ...]], currency: str) -> dict[tuple[int | None, int], Figures]:
    out: dict[tuple[int | None, int], Figures] = defaultdict(Figures)
    for team_id, owner, row_currency, status, category, n, amount, weighted in rows:
        bucket = _category_of(status, category)
        if bucket is not None and row_currency == currency:
            _add_group(out[(team_id, owner)], bucket, n, int(amount or 0), int(weighted or 0))
    return out


def _other_currencies(rows: list[tuple[Any, ...]], currency: str) -> list[dict[str, Any]]:
    """Deals in other currencies than `currency`: listed apart, never converted."""
    out: dict[str, dict[str, Any]] = {}
    for _team, _owner, row_currency, status, category, n, amount, weighted in rows:
        if row_currency == currency or _category_of(status, category) is None:
            continue
        row = out.setdefault(
            row_currency, {"currency": row_currency, "won": 0, "open": 0, "weighted": 0, "count": 0}
        )
        row["count"] += n
        if status == StageKind.WON:
            row["won"] += int(amount or 0)
            row["weighted"] += int(amount or 0)
        else:
            row["open"] += int(amount or 0)
            row["weighted"] += int(weighted or 0)
    return [out[k] for k in sorted(out)]


def grouped_figures(
    user: User, period: Period, *, currency: str | None = None, owner_id: int | None = None
) -> dict[tuple[int | None, int], Figures]:
    """Figures per (team, owner) of the opportunities `user` sees in `period`, in one currency."""
    return _figures_by_group(_group_rows(user, period, owner_id=owner_id), currency or default_currency())


def other_currencies(user: User, period: Period) -> list[dict[str, Any]]:
    return _other_currencies(_group_rows(user, period), default_currency())


def credited_orders(queryset: QuerySet[Order], period: Period) -> QuerySet[Order]:
    """Completed orders of `period` that count toward attainment.

    Rule (no double counting): an order is credited only when its owner has no won opportunity
    closed in the same period for the same customer (the order's account, or its contact). A won
    deal usually becomes an order; the deal is credited then, not the order as well. Repeat orders
    of customers without a won deal in the period count in full.
    """
    start, end = period_bounds(period)
    won_same_customer = in_period(Opportunity.objects.all(), period).filter(
        Q(account_id=OuterRef("account_id")) | Q(contact_id=OuterRef("contact_id")),
        status=StageKind.WON,
        owner_id=OuterRef("owner_id"),
    )
    return queryset.filter(status=OrderStatus.COMPLETED, ordered_at__gte=start, ordered_at__lt=end).exclude(
        Exists(won_same_customer)
    )


def grouped_orders(
    user: User, period: Period, *, currency: str | None = None, owner_id: int | None = None
) -> dict[tuple[int | None, int], int]:
    qs = credited_orders(orders_visible(user), period).filter(currency=currency or default_currency())
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    rows = qs.values_list("team_id", "owner_id").annotate(amount=Sum("total_amount")).order_by()
    return {(team_id, owner): int(amount or 0) for team_id, owner, amount in rows}


# --- the roll-up ------------------------------------------------------------------------------


@dataclass
class Row:
    kind: str  # "team" or "rep"
    id: int
    name: str
    figures: Figures
    target: Target | None = None

    @property
    def attainment_pct(self) -> Any:
        if self.target is None:
            return None
        return percent(self.figures.attained, self.target.amount)

    @property
    def forecast_pct(self) -> Any:
        if self.target is None:
            return None
        return percent(self.figures.weighted, self.target.amount)


@dataclass
class Rollup:
    period: Period
    currency: str
    level: str
    team: Team | None
    rep: User | None
    total: Figures
    rows: list[Row]
    breadcrumbs: list[Team] = field(default_factory=list)
    other_currencies: list[dict[str, Any]] = field(default_factory=list)
    total_target: int | None = None
    opportunities: Page[Opportunity] | None = None

    @property
    def total_attainment_pct(self) -> Any:
        return percent(self.total.attained, self.total_target)

    @property
    def total_forecast_pct(self) -> Any:
        return percent(self.total.weighted, self.total_target)


def _reach_team_ids(user: User) -> set[int] | None:
    """Teams the user reaches by role (None: all)."""
    scope = scope_of(user)
    if scope == Scope.ALL:
        return None
    if scope == Scope.TEAM_TREE:
        return set(team_subtree_ids(user.team_id))
    return {user.team_id} if user.team_id is not None else set()


def _ancestors(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def _targets_for(user: User, period: Period) -> tuple[dict[int, Target], dict[int, Target]]:
    targets = visible_sales_rows(user, Target.objects.all()).filter(
        period_kind=period.kind, period_start=period.start
    )
    by_user: dict[int, Target] = {}
    by_team: dict[int, Target] = {}
    for t in targets:
        if t.user_id is not None:
            by_user[t.user_id] = t
        elif t.team_id is not None:
            by_team[t.team_id] = t
    return by_user, by_team


def forecast_rollup(
    *,
    user: User,
    period: Period,
    level: str = "company",
    team_id: int | None = None,
    user_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Rollup:
    """The forecast of `period` at one level of the team tree, with a row per child.

    company: the top-level teams (regions) and the owners of deals without a team;
    region/team (with `team_id`): the team's sub-teams (each summed over its subtree) and the reps
    whose deals belong to the team itself; rep (with `user_id`): that rep's figures and deals.
    A node's total is always the sum of its rows. Teams and reps the user cannot reach are 404s
    (`Team.DoesNotExist` / `User.DoesNotExist`).
    """
    from django.core.exceptions import ValidationError

    if level not in LEVELS:
        raise ValidationError({"level": _("Choose one of: %(choices)s.") % {"choices": ", ".join(LEVELS)}})
    currency = default_currency()
    if level == "rep":
        return _rep_rollup(user, period, currency, user_id, cursor, limit)

    group_rows = _group_rows(user, period)
    groups = _figures_by_group(group_rows, currency)
    for key, amount in grouped_orders(user, period, currency=currency).items():
        groups[key].orders += amount
    teams = {t.pk: t for t in Team.objects.all()}
    reach = _reach_team_ids(user)
    shown: set[int] = set(teams) if reach is None else set(reach)
    shown |= {team for team, _owner in groups if team is not None}
    for tid in list(shown):
        if tid in teams:
            shown.update(_ancestors(teams[tid].path))

    node: Team | None = None
    if level in ("region", "team"):
        if team_id is None:
            raise ValidationError({"team_id": _("This field is required.")})
        if team_id not in shown or team_id not in teams:
            raise Team.DoesNotExist
        node = teams[team_id]

    # Sum each (team, owner) group into every ancestor team: subtree totals in one pass.
    subtree: dict[int, Figures] = defaultdict(Figures)
    direct: dict[tuple[int | None, int], Figures] = {}
    for (group_team, owner), fig in groups.items():
        if group_team is not None and group_team in teams:
            for ancestor in _ancestors(teams[group_team].path):
                subtree[ancestor].add(fig)
        direct[(group_team, owner)] = fig

    node_id = node.pk if node is not None else None
    child_teams = sorted(
        (t for t in teams.values() if t.parent_id == node_id and t.pk in shown), key=lambda t: t.name
    )
    owner_ids = {owner for (tid, owner) in direct if tid == node_id}
    if node is not None and (reach is None or node.pk in reach):
        members = User.objects.filter(team_id=node.pk, is_active=True, role__in=["sales_rep", "manager"])
        if scope_of(user) == Scope.OWN:
            members = members.filter(pk=user.pk)
        owner_ids |= set(members.values_list("pk", flat=True))
    owners = {u.pk: u for u in User.objects.filter(pk__in=owner_ids)}
    by_user, by_team = _targets_for(user, period)

    rows = [Row("team", t.pk, t.name, subtree.get(t.pk, Figures()), by_team.get(t.pk)) for t in child_teams]
    rep_rows = [
        Row("rep", uid, person_name(owners[uid]), direct.get((node_id, uid), Figures()), by_user.get(uid))
        for uid in owner_ids
        if uid in owners
    ]
    rows += sorted(rep_rows, key=lambda r: r.name)
    total = Figures()
    for row in rows:
        total.add(row.figures)
    row_targets = [r.target.amount for r in rows if r.target is not None and r.target.currency == currency]
    own_target = by_team.get(node.pk) if node is not None else None
    if own_target is not None and own_target.currency == currency:
        total_target: int | None = own_target.amount
    else:
        total_target = sum(row_targets) if row_targets else None
    return Rollup(
        period=period,
        currency=currency,
        level=level,
        team=node,
        rep=None,
        total=total,
        rows=rows,
        breadcrumbs=[teams[a] for a in _ancestors(node.path)[:-1] if a in teams] if node else [],
        other_currencies=_other_currencies(
            [
                r
                for r in group_rows
                if node is None or (r[0] in teams and node.pk in _ancestors(teams[r[0]].path))
            ],
            currency,
        ),
        total_target=total_target,
    )


def _rep_rollup(
    user: User, period: Period, currency: str, user_id: int | None, cursor: str | None, limit: int
) -> Rollup:
    from django.core.exceptions import ValidationError

    if user_id is None:
        raise ValidationError({"user_id": _("This field is required.")})
    rep = User.objects.select_related("team").get(pk=user_id)
    deals = in_period(opportunities_visible(user), period).filter(owner_id=rep.pk)
    reach = _reach_team_ids(user)
    in_reach = rep.pk == user.pk or reach is None or rep.team_id in reach
    if not in_reach and not deals.exists():
        raise User.DoesNotExist
    rows = _group_rows(user, period, owner_id=rep.pk)
    total = Figures()
    for fig in _figures_by_group(rows, currency).values():
        total.add(fig)
    total.orders = sum(grouped_orders(user, period, currency=currency, owner_id=rep.pk).values())
    by_user, _by_team = _targets_for(user, period)
    target = by_user.get(rep.pk)
    page = keyset_page(
        deals.filter(status__in=[StageKind.OPEN, StageKind.WON]).select_related("stage", "account"),
        sort="id",
        cursor=cursor,
        limit=limit,
    )
    teams = {t.pk: t for t in Team.objects.all()}
    crumbs = [teams[a] for a in _ancestors(rep.team.path) if a in teams] if rep.team else []
    return Rollup(
        period=period,
        currency=currency,
        level="rep",
        team=rep.team,
        rep=rep,
        total=total,
        rows=[Row("rep", rep.pk, person_name(rep), total, target)],
        breadcrumbs=crumbs,
        other_currencies=_other_currencies(rows, currency),
        total_target=target.amount if target is not None and target.currency == currency else None,
        opportunities=page,
    )


# --- targets and attainment -------------------------------------------------------------------


def targets_visible(user: User) -> QuerySet[Target]:
    return visible_sales_rows(user, Target.objects.all()).select_related("user", "team")


def target_get(*, user: User, pk: int) -> Target:
    return targets_visible(user).get(pk=pk)


def target_list(
    *, user: User, period: Period | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Target]:
    qs = targets_visible(user)
    if period is not None:
        qs = qs.filter(period_kind=period.kind, period_start=period.start)
    return keyset_page(qs, sort="-period_start", cursor=cursor, limit=limit)


def attainment(*, target: Target, period: Period) -> dict[str, int]:
    """What counts toward `target` (of `period`, in the target's currency): closed-won
    opportunities plus credited orders (see `credited_orders`) of the rep, or of every team in the
    team's subtree. Not narrowed by the reader's visibility: whoever may see a target sees its
    attainment, which is a single sum."""
    if target.user_id is not None:
        who = Q(owner_id=target.user_id)
    else:
        who = Q(team_id__in=team_subtree_ids(target.team_id))
    won = (
        in_period(Opportunity.objects.filter(who), period)
        .filter(status=StageKind.WON, currency=target.currency)
        .aggregate(s=Sum("amount"))["s"]
        or 0
    )
    orders = (
        credited_orders(Order.objects.filter(who), period)
        .filter(currency=target.currency)
        .aggregate(s=Sum("total_amount"))["s"]
        or 0
    )
    return {"won": int(won), "orders": int(orders), "attained": int(won) + int(orders)}


def attainments(*, targets: list[Target], period: Period) -> dict[int, dict[str, int]]:
    """`attainment` of many targets of one period in three queries (per target id): won deals and
    credited orders grouped by owner, team and currency, then summed per rep or team subtree."""
    if not targets:
        return {}
    won_rows = list(
        in_period(Opportunity.objects.filter(status=StageKind.WON), period)
        .values_list("owner_id", "team_id", "currency")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    order_rows = list(
        credited_orders(Order.objects.all(), period)
        .values_list("owner_id", "team_id", "currency")
        .annotate(s=Sum("total_amount"))
        .order_by()
    )
    paths = dict(Team.objects.values_list("pk", "path"))

    def in_subtree(team_id: int | None, root: int) -> bool:
        return team_id is not None and f"/{root}/" in paths.get(team_id, "")

    out: dict[int, dict[str, int]] = {}
    for target in targets:
        sums = []
        for rows in (won_rows, order_rows):
            sums.append(
                sum(
                    int(total or 0)
                    for owner, team, currency, total in rows
                    if currency == target.currency
                    and (
                        owner == target.user_id
                        if target.user_id is not None
                        else in_subtree(team, target.team_id or 0)
                    )
                )
            )
        out[target.pk] = {"won": sums[0], "orders": sums[1], "attained": sums[0] + sums[1]}
    return out


def scope_target(user: User, period: Period) -> int | None:
    """The target a user's dashboard compares with: a rep's own, a manager's (or read-only user's)
    team's, and for everyone who sees all the sum of the top-level teams' targets."""
    qs = Target.objects.filter(
        period_kind=period.kind, period_start=period.start, currency=default_currency()
    )
    scope = scope_of(user)
    if scope == Scope.ALL:
        total = qs.filter(team__parent__isnull=True, team__isnull=False).aggregate(s=Sum("amount"))["s"]
        return int(total) if total is not None else None
    if scope == Scope.TEAM_TREE:
        row = qs.filter(team_id=user.team_id).first() if user.team_id else None
        return row.amount if row else None
    row = qs.filter(user=user).first()
    return row.amount if row else None


# --- incentive plans and payouts ---------------------------------------------------------------


def plans_visible(user: User) -> QuerySet[IncentivePlan]:
    """Plans are read by whoever sets them (admins, managers) and by analysts; reps see theirs."""
    if can_manage_targets(user) or user.role == "analyst" or user.is_superuser:
        return IncentivePlan.objects.all()
    return IncentivePlan.objects.filter(assignments__user=user).distinct()


def plan_get(*, user: User, pk: int) -> IncentivePlan:
    return plans_visible(user).get(pk=pk)


def statements_visible(user: User) -> QuerySet[PayoutStatement]:
    return visible_sales_rows(
        user, PayoutStatement.objects.all(), sensitive=True, team_field=None
    ).select_related("user", "plan")


def statement_get(*, user: User, pk: int) -> PayoutStatement:
    return statements_visible(user).get(pk=pk)


def statement_list(
    *,
    user: User,
    period: Period | None = None,
    plan_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[PayoutStatement]:
    qs = statements_visible(user)
    if period is not None:
        qs = qs.filter(period_kind=period.kind, period_start=period.start)
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    return keyset_page(qs, sort="-period_start", cursor=cursor, limit=limit)


# --- the sales dashboard ------------------------------------------------------------------------


def pipeline_by_stage(user: User, period: Period) -> list[dict[str, Any]]:
    """Open deals of `period` (default currency, "omitted" left out) per stage, in stage order."""
    rows = (
        in_period(opportunities_visible(user), period)
        .filter(status=StageKind.OPEN, currency=default_currency())
        .exclude(forecast_category=ForecastCategory.OMITTED)
        .values_list("stage_id")
        .annotate(n=Count("id"), total=Sum("amount"), wsum=Sum(F("amount") * F("probability") / 100))
        .order_by()
    )
    sums = {stage: (n, int(amount or 0), int(weighted or 0)) for stage, n, amount, weighted in rows}
    stages = Stage.objects.filter(pk__in=sums).select_related("pipeline").order_by("pipeline_id", "position")
    top = max((s[1] for s in sums.values()), default=0) or 1
    return [
        {
            "stage": stage,
            "count": sums[stage.pk][0],
            "amount": sums[stage.pk][1],
            "weighted": sums[stage.pk][2],
            "width": round(100 * sums[stage.pk][1] / top),
        }
        for stage in stages
    ]


def win_rate(user: User, period: Period) -> dict[str, Any]:
    """Won / (won + lost) among the deals that closed in `period` (every currency: it counts deals)."""
    counts = dict(
        in_period(opportunities_visible(user), period)
        .filter(status__in=[StageKind.WON, StageKind.LOST])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    won, lost = counts.get(StageKind.WON, 0), counts.get(StageKind.LOST, 0)
    return {"won": won, "lost": lost, "rate": percent(won, won + lost)}


def average_cycle_days(user: User, period: Period) -> float | None:
    """Mean days from creation to close of the deals won in `period` (created_at → closed_at)."""
    result = (
        in_period(opportunities_visible(user), period)
        .filter(status=StageKind.WON, closed_at__isnull=False)
        .aggregate(d=Avg(ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())))
    )["d"]
    if result is None:
        return None
    return round(result.total_seconds() / 86400, 1)


def top_deals(user: User, period: Period, limit: int = TOP_DEALS) -> list[Opportunity]:
    return list(
        in_period(opportunities_visible(user), period)
        .filter(status=StageKind.OPEN, currency=default_currency())
        .exclude(forecast_category=ForecastCategory.OMITTED)
        .select_related("owner", "account", "stage")
        .order_by("-amount", "id")[:limit]
    )


def dashboard(user: User, periods: Iterable[Period]) -> dict[str, Any]:
    """Dashboard figures: for each period (usually this month and this quarter) the forecast
    against the user's target; for the last (the quarter) also the pipeline by stage, win rate,
    average cycle and top deals."""
    periods = list(periods)
    versus = []
    for period in periods:
        total = Figures()
        for fig in grouped_figures(user, period).values():
            total.add(fig)
        total.orders = sum(grouped_orders(user, period).values())
        target = scope_target(user, period)
        versus.append(
            {
                "period": period,
                "figures": total,
                "target": target,
                "forecast_pct": percent(total.weighted, target),
                "attainment_pct": percent(total.attained, target),
            }
        )
    main = periods[-1]
    return {
        "currency": default_currency(),
        "period": main,
        "versus": versus,
        "stages": pipeline_by_stage(user, main),
        "win_rate": win_rate(user, main),
        "cycle_days": average_cycle_days(user, main),
        "top_deals": top_deals(user, main),
    }


def bilingual(ko: str, en: str) -> str:
    """The English name on English pages when there is one, the Korean name otherwise."""
    from django.utils.translation import get_language

    return en if en and (get_language() or "ko").startswith("en") else ko


def manageable_subjects(user: User) -> tuple[list[User], list[Team]]:
    """The reps and teams `user` may set targets for (and put on plans): everything for admins,
    the subtree's teams and their members (not themselves) for managers, nothing for others."""
    from inyeon.core.visibility import is_admin

    if not can_manage_targets(user):
        return [], []
    teams = Team.objects.all()
    people = User.objects.filter(is_active=True, role__in=["sales_rep", "manager"])
    if not is_admin(user):
        subtree = team_subtree_ids(user.team_id)
        teams = teams.filter(pk__in=subtree)
        people = people.filter(team_id__in=subtree).exclude(pk=user.pk)
    return list(people.order_by("username")), list(teams.order_by("path"))
