"""JSON rendering with orjson: the same output as ninja's encoder (dates, decimals and lazy
strings go through it), written several times faster, which a page of 50 contacts notices."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_encoder = NinjaJSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        # Dates and times pass through to ninja's encoder so that their text stays as it was.
        return orjson.dumps(data, default=_encoder.default, option=_OPTIONS)
