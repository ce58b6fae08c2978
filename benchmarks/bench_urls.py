"""Inyeon's URLs plus bare-SQL endpoints that do the same reads with no framework on top.

The bare endpoints are the ceiling the API is measured against in the same run; they exist only
in the benchmark settings, never in the product.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from inyeon.core.hangul import prefix_upper_bound
from inyeon.urls import urlpatterns as inyeon_urlpatterns

COLUMNS = "id, display_name, primary_email, primary_phone, lifecycle_stage, created_at"


def _rows(sql: str, params: list[object]) -> list[dict[str, object]]:
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


urlpatterns = [
    path("bench/bare/contacts", bare_list),
    path("bench/bare/contacts/<int:pk>", bare_detail),
    path("bench/bare/search", bare_search),
    *inyeon_urlpatterns,
]
