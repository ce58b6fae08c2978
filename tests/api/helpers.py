"""Small HTTP helpers for the API tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

Response = Any  # the test client's response

PROBLEM = "application/problem+json"


def body(response: Response) -> Any:
    return json.loads(response.content)


def post(client: Client, url: str, data: Any, **headers: str) -> Response:
    return client.post(url, data=json.dumps(data), content_type="application/json", headers=headers)


def patch(client: Client, url: str, data: Any, **headers: str) -> Response:
    return client.patch(url, data=json.dumps(data), content_type="application/json", headers=headers)


def error_fields(response: Response) -> set[str]:
    assert response["Content-Type"] == PROBLEM, response.content
    return {e["field"] for e in body(response)["errors"]}


def walk(client: Client, url: str, **params: Any) -> list[int]:
    """Every id of a list, page by page, following `next_cursor` until it is null."""
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        page = body(client.get(url, {**params, **({"cursor": cursor} if cursor else {})}))
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")
