"""/api/v1/exports (data in and out)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["exports"])
