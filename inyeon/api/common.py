"""Helpers shared by the API routers: the acting user, list limits and page bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Query

from inyeon.api.renderers import FastJSONRenderer
from inyeon.core.models import User
from inyeon.core.pagination import Page

M = TypeVar("M")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def limit_param() -> Any:
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Page size, 1-{MAX_LIMIT}.")


def cursor_param() -> Any:
    return Query(None, description="`next_cursor` of the previous page; leave out for the first.")


def page_body(page: Page[M], present: Callable[[M], dict[str, Any]]) -> dict[str, Any]:
    return {"items": [present(item) for item in page.items], "next_cursor": page.next_cursor}


def fields(obj: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def set_location(response: HttpResponse, path: str) -> None:
    response["Location"] = f"/api/v1/{path}"


def prebuilt(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """`body` rendered as the API renders every answer, without ninja validating it against the
    operation's declared schema first. Only for the hottest reads, whose bodies are built from
    typed columns in one function; their tests validate those bodies against the schema."""
    content = _RENDERER.render(request, body, response_status=200)
    return HttpResponse(content, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")


_RENDERER = FastJSONRenderer()
