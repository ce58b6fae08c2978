"""Template context shared by every page (the web helper fills this in)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def ui(request: HttpRequest) -> dict[str, Any]:
    return {}
