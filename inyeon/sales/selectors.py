"""Reads of pipelines and opportunities; every opportunity read goes through `visible()`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_page
from inyeon.core.visibility import visible
from inyeon.sales.models import (
    CloseReason,
    Opportunity,
    OpportunityStageChange,
    Pipeline,
    Stage,
    StageKind,
    StageTransition,
)


def opportunities_visible(user: User, *, single: bool = False) -> QuerySet[Opportunity]:
    return visible(user, Opportunity.objects.all(), record_type="opportunity", single=single)


def opportunity_get(*, user: User, pk: int) -> Opportunity:
    """The opportunity if `user` may see it; `Opportunity.DoesNotExist` otherwise (a 404)."""
    return (
        opportunities_visible(user, single=True)
        .select_related("account", "contact", "owner", "team", "pipeline", "stage", "close_reason")
        .get(pk=pk)
    )


def pipeline_default() -> Pipeline:
    pipeline = Pipeline.objects.filter(is_default=True, active=True).first()
    return pipeline or Pipeline.objects.filter(active=True).order_by("pk").first() or Pipeline.objects.get()


def pipeline_stages(pipeline: Pipeline) -> list[Stage]:
    return list(pipeline.stages.order_by("position"))


def first_open_stage(pipeline: Pipeline) -> Stage:
    return (
        pipeline.stages.filter(kind=StageKind.OPEN).order_by("position").first()
        or (pipeline.stages.order_by("position")[0])
    )


def opportunity_history(opportunity: Opportunity) -> QuerySet[OpportunityStageChange]:
    return opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by").order_by(
        "changed_at", "pk"
    )


# --- lists and the board -------------------------------------------------------------------------

OPPORTUNITY_SORTS = frozenset(
    {"-created_at", "created_at", "-updated_at", "updated_at", "-amount", "amount", "name", "-name"}
)
BOARD_CARDS_PER_STAGE = 25
# With no close period chosen, won and lost columns show the deals that closed in the last month:
# the rest of the closed history belongs to reports, not to the board.
BOARD_CLOSED_DAYS = 30


@dataclass(frozen=True)
class OpportunityFilters:
    owner_id: int | None = None
    team_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    status: str = ""
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    account_id: int | None = None
    contact_id: int | None = None


def clean_filters(params: Mapping[str, Any]) -> OpportunityFilters:
    """Filters from query parameters; a bad value is a ValidationError naming the parameter."""
    errors: dict[str, list[str]] = {}
    ints: dict[str, int | None] = {}
    for key in ("owner_id", "team_id", "pipeline_id", "stage_id", "account_id", "contact_id"):
        raw = params.get(key)
        if raw in (None, ""):
            ints[key] = None
            continue
        try:
            ints[key] = int(raw)
        except (TypeError, ValueError):
            errors[key] = [_("Enter a whole number.")]
    dates: dict[str, dt.date | None] = {}
    for key in ("close_from", "close_to"):
        raw = params.get(key)
        if raw in (None, ""):
            dates[key] = None
        elif isinstance(raw, dt.date):
            dates[key] = raw
        else:
            try:
                dates[key] = dt.date.fromisoformat(str(raw))
            except ValueError:
                errors[key] = [_("Enter a date as YYYY-MM-DD.")]
    status = str(params.get("status") or "")
    if status and status not in StageKind.values:
        errors["status"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(StageKind.values)}]
    if errors:
        raise ValidationError(errors)
    return OpportunityFilters(status=status, **ints, **dates)  # type: ignore[arg-type]


def _filtered(user: User, filters: OpportunityFilters) -> QuerySet[Opportunity]:
    qs = opportunities_visible(user)
    f = filters
    for key in ("owner_id", "team_id", "pipeline_id", "stage_id", "account_id", "contact_id"):
        value = getattr(f, key)
        if value is not None:
            qs = qs.filter(**{key: value})
    if f.status:
        qs = qs.filter(status=f.status)
    if f.close_from:
        qs = qs.filter(close_date__gte=f.close_from)
    if f.close_to:
        qs = qs.filter(close_date__lte=f.close_to)
    return qs


def opportunity_list(
    *,
    user: User,
    filters: OpportunityFilters | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Opportunity]:
    if sort not in OPPORTUNITY_SORTS:
        raise ValidationError(
            {"sort": [_("Sort by one of: %(s)s.") % {"s": ", ".join(sorted(OPPORTUNITY_SORTS))}]}
        )
    qs = _filtered(user, filters or OpportunityFilters()).select_related(
        "account", "contact", "owner", "stage", "pipeline"
    )
    return keyset_page(qs, sort=sort, cursor=cursor, limit=max(1, min(limit, 200)))


@dataclass
class BoardColumn:
    stage: Stage
    cards: list[Opportunity] = field(default_factory=list)
    count: int = 0
    totals: list[tuple[str, int]] = field(default_factory=list)  # (currency, amount minor units)
    weighted: list[tuple[str, int]] = field(default_factory=list)
    targets: str = ""  # the ids of the stages its cards may move to, for the board's drag and drop


@dataclass
class Board:
    pipeline: Pipeline
    columns: list[BoardColumn]
    moves: dict[int, list[Stage]]  # stage id -> the stages it may move to
    closed_since: dt.date | None


def pipeline_board(*, user: User, pipeline: Pipeline, filters: OpportunityFilters) -> Board:
    """One column per stage of `pipeline`: the first cards by close date, the count and the totals
    per currency of everything `user` may see that matches `filters`.

    Five queries whatever the size: stages, moves, one grouped aggregate, the ids of every column's
    first cards (a window function numbers each stage's rows) and those cards.
    """
    stages = pipeline_stages(pipeline)
    moves: dict[int, list[Stage]] = {s.pk: [] for s in stages}
    by_id = {s.pk: s for s in stages}
    for a, b in StageTransition.objects.filter(pipeline=pipeline).values_list("from_stage", "to_stage"):
        if a in moves and b in by_id:
            moves[a].append(by_id[b])
    for targets in moves.values():
        targets.sort(key=lambda s: s.position)
    closed_since = None
    base = _filtered(user, dataclasses.replace(filters, pipeline_id=pipeline.pk, stage_id=None, status=""))
    if filters.close_from is None and filters.close_to is None:
        closed_since = timezone.localdate() - dt.timedelta(days=BOARD_CLOSED_DAYS)
        base = base.filter(Q(status=StageKind.OPEN) | Q(close_date__gte=closed_since))
    columns = {s.pk: BoardColumn(stage=s) for s in stages}
    sums = (
        base.values("stage_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), weighted=Sum(F("amount") * F("probability")))
        .order_by()
    )
    for row in sums:
        column = columns.get(row["stage_id"])
        if column is None:
            continue
        column.count += row["n"]
        column.totals.append((row["currency"], int(row["total"] or 0)))
        column.weighted.append((row["currency"], int(row["weighted"] or 0) // 100))
    # Number the rows per stage over the bare table (no joins), keep each column's first cards'
    # ids, then fetch only those with their account and owner.
    ranked_ids = list(
        base.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[F("close_date").asc(nulls_last=True), F("id").asc()],
            )
        )
        .filter(rank__lte=BOARD_CARDS_PER_STAGE)
        .values_list("pk", flat=True)
    )
    cards = Opportunity.objects.filter(pk__in=ranked_ids).select_related("account", "owner")
    for card in sorted(cards, key=lambda o: (o.close_date is None, o.close_date or dt.date.min, o.pk)):
        column = columns.get(card.stage_id)
        if column is not None:
            column.cards.append(card)
    for column in columns.values():
        column.totals.sort()
        column.weighted.sort()
    return Board(pipeline=pipeline, columns=list(columns.values()), moves=moves, closed_since=closed_since)


def pipelines_active() -> QuerySet[Pipeline]:
    return Pipeline.objects.filter(active=True).order_by("-is_default", "pk")


def pipeline_get(pk: int) -> Pipeline:
    return Pipeline.objects.get(pk=pk)


def pipelines_all() -> QuerySet[Pipeline]:
    """Every pipeline with its stages, for the API and the admin pages (pipelines are not private)."""
    return Pipeline.objects.prefetch_related("stages", "transitions").order_by("-is_default", "pk")


def close_reasons(*, kind: str | None = None, active_only: bool = True) -> QuerySet[CloseReason]:
    qs = CloseReason.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.filter(active=True) if active_only else qs


def stage_moves_from(stage: Stage) -> list[Stage]:
    ids = StageTransition.objects.filter(from_stage=stage).values("to_stage")
    return list(Stage.objects.filter(pk__in=ids).order_by("position"))


def opportunity_timeline_entries(
    *, user: User, contact_ids: list[int], account_id: int | None, limit: int = 100
) -> list[Any]:
    """The stage moves of the opportunities of these contacts (or this account) that `user` may see,
    as customer timeline entries (kind "opportunity")."""
    from inyeon.customers.selectors import TimelineEntry

    reach = Q(opportunity__contact_id__in=contact_ids)
    if account_id is not None:
        reach |= Q(opportunity__account_id=account_id)
    visible_ids = opportunities_visible(user).values("pk")
    rows = (
        OpportunityStageChange.objects.filter(reach, opportunity_id__in=visible_ids)
        .select_related("opportunity", "from_stage", "to_stage")
        .order_by("-changed_at", "-pk")[:limit]
    )
    return [TimelineEntry(r.changed_at, "opportunity", r.opportunity.name, "", r) for r in rows]


def board_filter_choices(user: User) -> tuple[list[User], list[Any]]:
    """The owners and teams `user` may filter the board and the list by (those they can see)."""
    from inyeon.core.models import Team
    from inyeon.core.roles import Scope
    from inyeon.core.visibility import assignable_users, scope_of, team_subtree_ids

    owners = list(assignable_users(user).order_by("username")[:500])
    scope = scope_of(user)
    if scope == Scope.ALL:
        teams = list(Team.objects.order_by("path")[:500])
    elif scope == Scope.TEAM_TREE:
        teams = list(Team.objects.filter(pk__in=team_subtree_ids(user.team_id)).order_by("path"))
    else:
        teams = list(Team.objects.filter(pk=user.team_id)) if user.team_id else []
    return owners, teams


def with_opportunity_moves(
    entries: list[Any], *, user: User, contact_ids: list[int], account_id: int | None, limit: int = 100
) -> list[Any]:
    """A customer timeline with the stage moves of the customer's opportunities merged in."""
    moves = opportunity_timeline_entries(
        user=user, contact_ids=contact_ids, account_id=account_id, limit=limit
    )
    return sorted([*entries, *moves], key=lambda e: e.at, reverse=True)[:limit]


def opportunities_of(
    *, user: User, contact_id: int | None = None, account_id: int | None = None
) -> list[Opportunity]:
    """The newest opportunities of a contact or an account that `user` may see (the 360 pages)."""
    qs = opportunities_visible(user).select_related("stage", "owner")
    if contact_id is not None:
        qs = qs.filter(contact_id=contact_id)
    if account_id is not None:
        qs = qs.filter(account_id=account_id)
    return list(qs.order_by("-created_at", "-id")[:20])


def close_reason_get(pk: int) -> CloseReason:
    """One close reason (they are shared by everyone, like pipelines); DoesNotExist is a 404."""
    return CloseReason.objects.get(pk=pk)
