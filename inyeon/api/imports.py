"""/api/v1/imports (data in and out)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["imports"])
