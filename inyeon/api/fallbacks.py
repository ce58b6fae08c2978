"""problem+json for the answers ninja gives outside its exception handlers: a method the path does
not have (405), a path the API does not have and the bare API root (404)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from inyeon.api.handlers import not_found
from inyeon.api.problems import is_problem, problem

View = Callable[..., Any]


def _problems_outside_handlers(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return not_found()
        if response.status_code != 405 or is_problem(response):
            return response
        allowed = response.get("Allow", "")
        out = problem(405, _("Not allowed."), f"{request.method} ≠ {allowed}", slug="method-not-allowed")
        out["Allow"] = allowed
        return out

    return wrapped


def with_problems(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _problems_outside_handlers(pattern.callback)
    return patterns


@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return not_found()
