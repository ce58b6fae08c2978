"""RFC 9457 problem+json: the one shape every API error answers with."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

PROBLEM_TYPE = "https://inyeon.dev/problems/"
CONTENT_TYPE = "application/problem+json"


class PreconditionFailed(Exception):
    """If-Match named a version that is no longer current."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"If-Match is stale; current version is {current_version}")
        self.current_version = current_version


class CsrfFailed(Exception):
    """An unsafe request under session auth without a valid CSRF token."""


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    slug: str,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {"type": PROBLEM_TYPE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)


def is_problem(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith(CONTENT_TYPE)
