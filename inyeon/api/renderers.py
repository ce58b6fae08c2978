"""JSON rendering with orjson, several times faster than the standard library, which a page of 50
contacts notices. Times are RFC 3339 in UTC with a "Z" (`2026-11-29T20:39:18.123456Z`); decimals
and lazy strings go through ninja's encoder as before."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_encoder = NinjaJSONEncoder()
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_encoder.default, option=_OPTIONS)
