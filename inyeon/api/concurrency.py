"""ETag / If-Match optimistic concurrency: the ETag is the record's version."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from inyeon.api.problems import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)


def expected_version(request: HttpRequest, body_version: int | None, current: int) -> int | None:
    """The version the client edited: If-Match (412 when stale) or the body's `version` (409)."""
    header = request.headers.get("If-Match")
    if header:
        values = [v.strip().removeprefix("W/").strip('"') for v in header.split(",")]
        if "*" in values:
            return None
        try:
            versions = {int(v) for v in values}
        except ValueError:
            raise HttpError(400, _("If-Match must be an ETag from a previous response.")) from None
        if current not in versions:
            raise PreconditionFailed(current)
        return current
    return body_version
