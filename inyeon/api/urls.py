"""The JSON API under /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from django.urls import path, re_path
from ninja import NinjaAPI

from inyeon.api import (
    accounts,
    activities,
    analytics,
    consents,
    contacts,
    documents,
    duplicates,
    exports,
    forecasts,
    handlers,
    imports,
    leads,
    me,
    notifications,
    opportunities,
    orders,
    pipelines,
    price_lists,
    products,
)
from inyeon.api import close_reasons as close_reasons_api
from inyeon.api import contracts as contracts_api
from inyeon.api import quotes as quotes_api
from inyeon.api import tax_rates as tax_rates_api
from inyeon.api.auth import BearerToken, Session
from inyeon.api.fallbacks import unknown_path, with_problems
from inyeon.api.renderers import FastJSONRenderer

api = NinjaAPI(
    urls_namespace="api",
    title="Inyeon API",
    version="1",
    description=(
        "The JSON API of Inyeon (인연). Authenticate with `Authorization: Bearer iny_…` (make a token "
        "with `inyeon token create --user U`) or a signed-in session plus CSRF token. Errors are "
        "RFC 9457 problem+json naming each bad field; lists are keyset pages "
        '`{"items": [...], "next_cursor": ...}`; writes take If-Match or a body `version`.'
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[BearerToken(), Session()],
    renderer=FastJSONRenderer(),
)
handlers.install(api)
api.add_router("/me", me.router)
api.add_router("/contacts", contacts.router)
api.add_router("/contacts", consents.router)
api.add_router("/accounts", accounts.router)
api.add_router("/products", products.router)
api.add_router("/orders", orders.router)
api.add_router("/activities", activities.router)
api.add_router("/analytics", analytics.router)
api.add_router("/imports", imports.router)
api.add_router("/exports", exports.router)
api.add_router("/duplicates", duplicates.router)
api.add_router("/documents", documents.router)
api.add_router("/notifications", notifications.router)
api.add_router("/price-lists", price_lists.router)
api.add_router("/opportunities", opportunities.router)
api.add_router("/pipelines", pipelines.router)
api.add_router("/forecast", forecasts.forecast_router)
api.add_router("/targets", forecasts.target_router)
api.add_router("/incentive-plans", forecasts.plan_router)
api.add_router("/payouts", forecasts.payout_router)
api.add_router("/leads", leads.router)
api.add_router("/quotes", quotes_api.router)
api.add_router("/contracts", contracts_api.router)
api.add_router("/close-reasons", close_reasons_api.router)
api.add_router("/tax-rates", tax_rates_api.router)

_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("", (with_problems(_patterns), _app_name, _namespace)),
    re_path(r"^", unknown_path),
]
