"""The JSON API under /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from inyeon.api import accounts, commerce, contacts, problems
from inyeon.api.auth import BearerToken, Session
from inyeon.api.common import actor
from inyeon.api.schemas import MeOut
from inyeon.core.visibility import can_see_pii

api = NinjaAPI(
    urls_namespace="api",
    title="Inyeon API",
    version="1",
    description="The JSON API of Inyeon (인연). Errors are RFC 9457 problem+json; lists use cursors.",
    auth=[BearerToken(), Session()],
)
problems.install(api)
api.add_router("/contacts", contacts.router)
api.add_router("/accounts", accounts.router)
api.add_router("/products", commerce.products)
api.add_router("/orders", commerce.orders)
api.add_router("/activities", commerce.activities)


@api.get("/me", response=MeOut, tags=["me"], summary="The signed-in user")
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


urlpatterns = [path("", api.urls)]
