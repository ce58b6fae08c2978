"""Choosing a lead's owner by the assignment rules an admin keeps, in order: the first rule whose
condition the lead meets picks a user by round-robin in its team, by load (fewest open leads) or by
name, honouring working hours. Reads and decides; `services.lead_assign_by_rules` writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from inyeon.core.models import User
from inyeon.core.roles import WRITE_ROLES
from inyeon.leads.models import (
    OPEN_STATUSES,
    AssignmentRule,
    AssignmentStrategy,
    Lead,
    WorkingHours,
)


@dataclass(frozen=True)
class Choice:
    user: User
    rule: AssignmentRule
    waiting_until: dt.datetime | None = None  # nobody was in hours: the first to start gets it


def rule_matches(rule: AssignmentRule, lead: Lead) -> bool:
    if not rule.field:
        return True
    wanted = {v.strip().casefold() for v in rule.values.split(",") if v.strip()}
    return str(getattr(lead, rule.field, "") or "").strip().casefold() in wanted


def in_hours(hours: WorkingHours | None, now: dt.datetime) -> bool:
    """A user without working hours takes leads at any time."""
    if hours is None:
        return True
    local = timezone.localtime(now)
    return str(local.weekday()) in hours.weekdays and hours.start <= local.time() < hours.end


def next_start(hours: WorkingHours | None, now: dt.datetime) -> dt.datetime | None:
    if hours is None:
        return now
    local = timezone.localtime(now)
    for days in range(8):
        day = local.date() + dt.timedelta(days=days)
        if str(day.weekday()) not in hours.weekdays:
            continue
        start = timezone.make_aware(dt.datetime.combine(day, hours.start), local.tzinfo)
        if start > now:
            return start
    return None


def candidates(rule: AssignmentRule) -> list[User]:
    if rule.strategy == AssignmentStrategy.USER:
        return [rule.user] if rule.user is not None and rule.user.is_active else []
    if rule.team_id is None:
        return []
    return list(
        User.objects.filter(team_id=rule.team_id, is_active=True)
        .filter(Q(role__in=WRITE_ROLES) | Q(is_superuser=True))
        .order_by("pk")
    )


def _open_counts(users: list[User]) -> dict[int, int]:
    return dict(
        Lead.objects.filter(owner__in=users, status__in=OPEN_STATUSES)
        .values("owner")
        .annotate(n=Count("id"))
        .values_list("owner", "n")
    )


def pick(rule: AssignmentRule, users: list[User], allowed: set[int]) -> User:
    """One of `users` (only those in `allowed`) by the rule's strategy."""
    eligible = [u for u in users if u.pk in allowed]
    if rule.strategy == AssignmentStrategy.LOAD:
        counts = _open_counts(eligible)
        return min(eligible, key=lambda u: (counts.get(u.pk, 0), u.pk))
    if rule.strategy == AssignmentStrategy.ROUND_ROBIN:
        ids = [u.pk for u in users]
        start = ids.index(rule.last_assigned_id) + 1 if rule.last_assigned_id in ids else 0
        for offset in range(len(users)):
            user = users[(start + offset) % len(users)]
            if user.pk in allowed:
                return user
    return eligible[0]


def choose(
    lead: Lead, *, now: dt.datetime | None = None, rules: list[AssignmentRule] | None = None
) -> Choice | None:
    """The owner the first matching rule gives `lead`, or None when no rule applies. `rules` (active,
    in order) are the ones the caller has locked; by default they are read here."""
    now = now or timezone.now()
    if rules is None:
        rules = list(
            AssignmentRule.objects.filter(active=True).select_related("user").order_by("position", "pk")
        )
    for rule in rules:
        if not rule_matches(rule, lead):
            continue
        users = candidates(rule)
        if not users:
            continue
        if not rule.honour_working_hours:
            return Choice(pick(rule, users, {u.pk for u in users}), rule)
        hours = {h.user_id: h for h in WorkingHours.objects.filter(user__in=users)}
        present = {u.pk for u in users if in_hours(hours.get(u.pk), now)}
        if present:
            return Choice(pick(rule, users, present), rule)
        # Nobody is in hours: the lead waits for whoever starts first.
        starts = {u.pk: next_start(hours.get(u.pk), now) for u in users}
        known = {pk: at for pk, at in starts.items() if at is not None}
        if not known:
            continue
        first = min(known.values())
        return Choice(pick(rule, users, {pk for pk, at in known.items() if at == first}), rule, first)
    return None
