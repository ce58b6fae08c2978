"""Factories of the leads tests."""

from __future__ import annotations

from typing import Any

from inyeon.core.models import User
from inyeon.leads.models import Lead
from inyeon.leads.services import lead_create


def make_lead(actor: User, **data: Any) -> Lead:
    data.setdefault("display_name", "김민수")
    data.setdefault("email", f"lead{Lead.objects.count() + 1}@example.kr")
    return lead_create(data=data, actor=actor, source=data.pop("source", "manual"))
