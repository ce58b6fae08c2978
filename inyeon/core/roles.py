"""Roles and what each may do. The permission table is data; `visibility.py` applies it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    SALES_REP = "sales_rep", _("Sales rep")
    MARKETER = "marketer", _("Marketer")
    SERVICE_AGENT = "service_agent", _("Service agent")
    ANALYST = "analyst", _("Analyst")
    READ_ONLY = "read_only", _("Read-only")


class Scope(models.TextChoices):
    """How far a role's view of customer records reaches."""

    ALL = "all", _("All records")
    TEAM_TREE = "team_tree", _("Own team and its sub-teams")
    OWN = "own", _("Own and shared records")


ROLE_SCOPE: dict[str, Scope] = {
    Role.ADMIN: Scope.ALL,
    Role.ANALYST: Scope.ALL,
    Role.MARKETER: Scope.ALL,
    Role.SERVICE_AGENT: Scope.ALL,
    Role.MANAGER: Scope.TEAM_TREE,
    Role.READ_ONLY: Scope.TEAM_TREE,
    Role.SALES_REP: Scope.OWN,
}

# Roles that see personal data (phone, e-mail, address, birth date) unmasked.
PII_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.MANAGER, Role.SALES_REP, Role.SERVICE_AGENT})

# Roles that may create and change customer records.
WRITE_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETER}
)

# Roles that may start a scoring run of the whole customer base.
SCORING_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.ANALYST})

# Roles that may change the product catalogue, its price lists and configurator (everyone signed in reads it).
CATALOGUE_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.MANAGER})
