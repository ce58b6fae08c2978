"""Spam protection of the public lead forms: a honeypot field, a minimum fill time signed into the
form when it is rendered, a per-IP rate limit kept in Django's cache, and size limits."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

HONEYPOT = "website"  # hidden from people by CSS; bots fill it in
TOKEN = "form_token"
SALT = "inyeon.leads.form"
MAX_BODY_BYTES = 16 * 1024
MAX_FIELDS = 40
TOKEN_MAX_AGE = 24 * 3600


def rate_limit() -> tuple[int, int]:
    """(submissions, seconds) allowed per IP address; `INYEON_LEAD_FORM_RATE` such as "10/600"."""
    raw = str(getattr(settings, "INYEON_LEAD_FORM_RATE", "10/600"))
    count, _sep, seconds = raw.partition("/")
    return int(count), int(seconds or 600)


class Rejected(Exception):
    """A submission refused as spam or abuse; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


def form_token(form_key: str, *, now: float | None = None) -> str:
    """The signed render time that a submission must carry back."""
    return signing.dumps({"f": form_key, "t": time.time() if now is None else now}, salt=SALT)


def check_token(form_key: str, token: str, min_seconds: int, *, now: float | None = None) -> None:
    moment = time.time() if now is None else now
    try:
        value = signing.loads(token or "", salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Rejected(400, "token", _("The form has expired; reload the page and send it again.")) from None
    if not isinstance(value, dict) or value.get("f") != form_key:
        raise Rejected(400, "token", _("The form has expired; reload the page and send it again."))
    if moment - float(value.get("t", 0)) < min_seconds:
        raise Rejected(
            400, "too_fast", _("The form was sent too quickly; please check it and send it again.")
        )


def check_rate(ip: str | None) -> None:
    """Count this submission against the IP's window; refuse once the window is full."""
    limit, seconds = rate_limit()
    key = f"inyeon:leadform:{ip or 'unknown'}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    if count > limit:
        raise Rejected(429, "rate", _("Too many submissions from your address; try again later."))


def check_size(data: Mapping[str, Any], body_bytes: int) -> None:
    if body_bytes > MAX_BODY_BYTES or len(data) > MAX_FIELDS:
        raise Rejected(413, "size", _("The submission is too large."))


def is_honeypot_filled(data: Mapping[str, Any]) -> bool:
    return bool(str(data.get(HONEYPOT) or "").strip())
