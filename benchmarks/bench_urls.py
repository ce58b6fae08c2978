"""Inyeon's URLs plus bare-SQL endpoints that do the same reads with no framework on top.

The bare endpoints are the ceiling the API is measured against in the same run; they exist only
in the benchmark settings, never in the product. Two kinds:

- `/bench/bare/...`: six columns of the contact (the first ceiling these benchmarks used);
- `/bench/full/...`: every field the API returns (the contact's columns, the account name, the
  scores and, for the detail, the addresses), as one raw query, rendered with the same JSON
  library as the API. This is the ceiling of the same work without authentication, visibility,
  masking, logging, the ORM or validation.
"""

from __future__ import annotations

import orjson
import psycopg
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from inyeon.core.hangul import prefix_upper_bound
from inyeon.urls import urlpatterns as inyeon_urlpatterns

COLUMNS = "id, display_name, primary_email, primary_phone, lifecycle_stage, created_at"


def _rows(sql: str, params: list[object], *, planned_once: bool = False) -> list[dict[str, object]]:
    """`planned_once`: on PostgreSQL, bound on the server and prepared, as the API's read by id is
    (core.prepared `server_plan`), so that the ceiling does the same database work."""
    if planned_once and connection.vendor == "postgresql":
        connection.close_if_health_check_failed()  # as every cursor Django hands out does
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql, params, prepare=True)
            names = [c[0] for c in raw.description or ()]
            return [dict(zip(names, row, strict=True)) for row in raw.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def bare_list(request: HttpRequest) -> JsonResponse:
    rows = _rows(
        f"SELECT {COLUMNS} FROM customers_contact WHERE owner_id = %s AND lifecycle_stage = %s "
        "ORDER BY created_at DESC, id DESC LIMIT 50",
        [int(request.GET["owner_id"]), request.GET["lifecycle_stage"]],
    )
    return JsonResponse({"items": rows})


def bare_detail(request: HttpRequest, pk: int) -> JsonResponse:
    rows = _rows(f"SELECT {COLUMNS} FROM customers_contact WHERE id = %s", [pk])
    return JsonResponse(rows[0] if rows else {}, status=200 if rows else 404)


def bare_search(request: HttpRequest) -> JsonResponse:
    key = request.GET["q"]
    rows = _rows(
        f"SELECT {COLUMNS} FROM customers_contact WHERE search_name >= %s AND search_name < %s "
        "ORDER BY search_name, id LIMIT 50",
        [key, prefix_upper_bound(key)],
    )
    return JsonResponse({"items": rows})


ITEM = (
    "c.id, c.version, c.display_name, c.family_name, c.given_name, c.account_id, c.primary_email, "
    "c.primary_phone, c.lifecycle_stage, c.owner_id, c.team_id, c.created_at, c.updated_at, "
    "s.recency_days, s.frequency, s.monetary, s.r_score, s.f_score, s.m_score, s.segment, "
    "s.previous_segment, s.value_tier, s.lifecycle_stage AS score_stage, s.p_alive, "
    "s.expected_purchases_90d, s.clv_12m, s.customer_equity, s.model_version, s.computed_at"
)
DETAIL = (
    f"{ITEM}, c.name_order, a.name AS account_name, c.job_title, c.emails_text, c.phones_text, "
    "c.birth_date, c.preferred_channel, c.language, c.tags_text, c.source, c.external_id, "
    "c.referred_by_id, c.notes, ARRAY(SELECT concat_ws(' ', ad.postal_code, ad.region, ad.city, "
    "ad.line1, ad.line2) FROM customers_address ad WHERE ad.contact_id = c.id ORDER BY ad.id) AS addresses"
)
SCORED = "customers_contact c LEFT JOIN analytics_customerscore s ON s.contact_id = c.id"


def _json(body: object, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


def full_list(request: HttpRequest) -> HttpResponse:
    rows = _rows(
        f"SELECT {ITEM} FROM {SCORED} WHERE c.owner_id = %s AND c.lifecycle_stage = %s "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT 50",
        [int(request.GET["owner_id"]), request.GET["lifecycle_stage"]],
    )
    return _json({"items": rows, "next_cursor": None})


def full_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rows = _rows(
        f"SELECT {DETAIL} FROM {SCORED} LEFT JOIN customers_account a ON a.id = c.account_id WHERE c.id = %s",
        [pk],
        planned_once=True,
    )
    return _json(rows[0] if rows else {}, status=200 if rows else 404)


def full_search(request: HttpRequest) -> HttpResponse:
    key = request.GET["q"]
    rows = _rows(
        f"SELECT {ITEM} FROM {SCORED} WHERE c.search_name >= %s AND c.search_name < %s "
        "ORDER BY c.search_name, c.id LIMIT 50",
        [key, prefix_upper_bound(key)],
    )
    return _json({"items": rows, "next_cursor": None})


urlpatterns = [
    path("bench/full/contacts", full_list),
    path("bench/full/contacts/<int:pk>", full_detail),
    path("bench/full/search", full_search),
    path("bench/bare/contacts", bare_list),
    path("bench/bare/contacts/<int:pk>", bare_detail),
    path("bench/bare/search", bare_search),
    *inyeon_urlpatterns,
]
