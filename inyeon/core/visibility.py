"""The one place that decides who may see which customer record.

Every selector in every app calls `visible()` on its base queryset; views, API, search, exports and
jobs read only through selectors. Deny by default: an unknown role, an inactive or anonymous user
sees nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from inyeon.core.memory import ExpiringMemory
from inyeon.core.models import RecordShare, Team, User
from inyeon.core.roles import CATALOGUE_ROLES, PII_ROLES, ROLE_SCOPE, SCORING_ROLES, WRITE_ROLES, Scope

M = TypeVar("M", bound=models.Model)


def team_subtree_ids(team_id: int | None) -> list[int]:
    if team_id is None:
        return []
    root = Team.objects.filter(pk=team_id).values_list("path", flat=True).first()
    if root is None:
        return []
    return list(Team.objects.filter(path__startswith=root).values_list("pk", flat=True))


def scope_of(user: User | None) -> Scope | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Scope.ALL
    return ROLE_SCOPE.get(user.role)


def visibility_key(user: User | None) -> tuple[object, ...]:
    """What `visible` reads of `user`: two users with the same key get the same filter, so a
    compiled visibility-scoped query may be reused for this key (core.prepared)."""
    if user is None:
        return (None,)
    return (user.pk, user.is_active, user.is_superuser, user.role, user.team_id)


_shares_known: ExpiringMemory[bool] = ExpiringMemory(max_entries=10_000)


def has_shares(user: User | None, record_type: str) -> bool:
    """Whether records of this type are shared with `user` (and matter: admins see all anyway).

    Lists ask this on every page, so each process remembers the answer as long as a checked API
    token (`INYEON_API_TOKEN_CACHE_SECONDS`) and forgets at once when a share changes here. A
    share made through another process shows in this one's lists within those seconds; a record
    read by id, and a removed share, are always checked live.
    """
    scope = scope_of(user)
    if scope is None or scope == Scope.ALL or user is None:
        return False
    key = (user.pk, record_type)
    known = _shares_known.get(key)
    if known is not None:
        return bool(known)
    answer = RecordShare.objects.filter(user=user, record_type=record_type).exists()
    _shares_known.put(key, answer)
    return answer


def forget_shares(**kwargs: Any) -> None:
    """Signal receiver: a share was made or removed."""
    _shares_known.clear()


def visible(
    user: User | None,
    queryset: models.QuerySet[M],
    *,
    record_type: str,
    single: bool = False,
    shared: bool | None = None,
) -> models.QuerySet[M]:
    """Narrow `queryset` (of an `OwnedRecord` model) to what `user` may see.

    `single` is for fetching one record by id, where a sub-select costs less than asking first
    whether the user has any shares. `shared` is the answer of `has_shares` when the caller has
    already asked.
    """
    scope = scope_of(user)
    if scope is None or user is None:
        return queryset.none()
    if scope == Scope.ALL:
        return queryset
    shares = RecordShare.objects.filter(user=user, record_type=record_type)
    # Most users have no shares: leaving the sub-select out keeps "owner = me" an index range scan
    # that also gives the list its order, instead of an OR the planner must sort afterwards.
    reach = Q(owner=user)
    if single or (shares.exists() if shared is None else shared):
        reach |= Q(pk__in=shares.values("record_id"))
    if scope == Scope.TEAM_TREE:
        reach |= Q(team_id__in=team_subtree_ids(user.team_id))
    return queryset.filter(reach)


def can_see_pii(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in PII_ROLES


def can_write(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in WRITE_ROLES


def can_run_scoring(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in SCORING_ROLES


def can_assign_to_others(user: User) -> bool:
    """Whether `user` may set a record's owner to somebody else (reps own what they create)."""
    scope = scope_of(user)
    return scope in (Scope.ALL, Scope.TEAM_TREE) and can_write(user)


def assignable_users(user: User) -> models.QuerySet[User]:
    """The users `user` may make the owner of a record."""
    scope = scope_of(user)
    active = User.objects.filter(is_active=True)
    if scope == Scope.ALL:
        return active
    if scope == Scope.TEAM_TREE:
        return active.filter(Q(team_id__in=team_subtree_ids(user.team_id)) | Q(pk=user.pk))
    return active.filter(pk=user.pk)


def is_admin(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == "admin")
    )


def can_import(user: User | None) -> bool:
    """Imports write records owned by the importer (or whom they may assign): writers only."""
    return can_write(user)


def can_merge(user: User | None) -> bool:
    """Merging deletes one of two records: admins, and managers within the records they see."""
    return bool(can_write(user) and user is not None and (is_admin(user) or user.role == "manager"))


def calendar_users(user: User) -> models.QuerySet[User]:
    """Whose personal calendars `user` may open: their own; a manager's team tree; an admin's all.

    Roles that see every record for their work (marketers, analysts, agents) still do not browse
    the reps' diaries; what any calendar shows is then narrowed by `visible()` as everything is.
    """
    active = User.objects.filter(is_active=True)
    if scope_of(user) is None:
        return active.none()
    if is_admin(user):
        return active
    if user.role == "manager":
        return active.filter(Q(team_id__in=team_subtree_ids(user.team_id)) | Q(pk=user.pk))
    return active.filter(pk=user.pk)


def can_read_catalogue(user: User | None) -> bool:
    """The product catalogue (products, price lists, options) is read by everybody signed in."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def catalogue_visible(user: User | None, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    return queryset if can_read_catalogue(user) else queryset.none()


def can_edit_catalogue(user: User | None) -> bool:
    """Admins and managers change products, their images, options and price lists."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in CATALOGUE_ROLES


def can_manage_pipelines(user: User | None) -> bool:
    """Pipelines, their stages, moves and close reasons are shared by everyone: admins shape them."""
    return is_admin(user)


def can_manage_tax_rates(user: User | None) -> bool:
    """Tax rates are shared by every quote: everyone signed in reads them, admins keep them."""
    return is_admin(user)


# --- sales people: targets and payouts (rows about a rep or a team, not customer records) ---------


def can_manage_targets(user: User | None) -> bool:
    """Targets, incentive plans and payout runs are set by admins and managers."""
    return bool(can_write(user) and user is not None and (is_admin(user) or user.role == "manager"))


def manages(actor: User, *, user: User | None = None, team_id: int | None = None) -> bool:
    """Whether `actor` may set a target or compute a payout for `user` or the team `team_id`:
    admins for anyone, managers for their subtree's teams and members but not for themselves."""
    if not can_manage_targets(actor):
        return False
    if is_admin(actor):
        return True
    if user is not None and user.pk == actor.pk:
        return False
    subtree = team_subtree_ids(actor.team_id)
    if user is not None:
        return user.team_id in subtree
    return team_id in subtree


def visible_sales_rows(
    user: User | None,
    queryset: models.QuerySet[M],
    *,
    sensitive: bool = False,
    team_field: str | None = "team",
) -> models.QuerySet[M]:
    """Narrow rows about a sales person (`user` field) or a team (`team_field`) to what `user` may
    see. Everyone sees their own; a rep also their team's row; a manager or read-only user the
    subtree's teams and members; admins all, analysts all unless the rows are `sensitive` (payouts:
    reps their own, managers their subtree's, admins all)."""
    scope = scope_of(user)
    if scope is None or user is None:
        return queryset.none()
    if is_admin(user) or (user.role == "analyst" and not sensitive):
        return queryset
    reach = Q(user=user)
    if team_field and not sensitive and user.team_id is not None:
        reach |= Q(**{f"{team_field}_id": user.team_id})
    if (scope == Scope.TEAM_TREE and not sensitive) or (sensitive and can_manage_targets(user)):
        subtree = team_subtree_ids(user.team_id)
        reach |= Q(user__team_id__in=subtree)
        if team_field:
            reach |= Q(**{f"{team_field}_id__in": subtree})
    return queryset.filter(reach)
