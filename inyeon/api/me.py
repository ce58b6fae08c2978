"""/api/v1/me: who the credentials belong to and what they may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from inyeon.api.common import actor
from inyeon.api.schemas.common import MeOut
from inyeon.api.schemas.problems import problems
from inyeon.core.visibility import can_see_pii

router = Router(tags=["me"])


@router.get("", response={200: MeOut, **problems()}, summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    return {
        "id": user.pk,
        "username": user.username,
        "role": user.role,
        "team_id": user.team_id,
        "language": user.language,
        "sees_personal_data": can_see_pii(user),
    }
