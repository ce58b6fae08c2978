"""Optimistic concurrency: the ETag is the record's version (a strong `"<version>"`).

A write names the version it was based on either with `If-Match` (stale: 412) or with `version` in
the body (stale: 409). The services make the final check under a row lock, so a change that lands
between our read and the write is refused too, never silently overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from inyeon.api.problems import PreconditionFailed
from inyeon.core.errors import ConflictError


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)


def if_match_versions(request: HttpRequest) -> set[int] | None:
    """The versions If-Match names; None when there is no header or it is `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    values = [v.strip().removeprefix("W/").strip('"') for v in header.split(",")]
    if "*" in values:
        return None
    try:
        return {int(v) for v in values}
    except ValueError:
        raise HttpError(400, _("If-Match must be an ETag from a previous response.")) from None


def expected_version(request: HttpRequest, body_version: int | None, current: int) -> int | None:
    """The version the client edited, for the service's `expected_version`.

    If-Match is checked against the record as read (412 when stale); a body `version` is left to the
    service (409 when stale). With neither, the write is unconditional.
    """
    versions = if_match_versions(request)
    if versions is not None and current not in versions:
        raise PreconditionFailed(current)
    if body_version is not None:
        return body_version
    return current if versions is not None else None


@contextmanager
def precondition(request: HttpRequest, body_version: int | None) -> Iterator[None]:
    """A conflict found under the service's lock is a 412 when the client relied on If-Match alone."""
    try:
        yield
    except ConflictError as exc:
        if body_version is None and if_match_versions(request) is not None:
            raise PreconditionFailed(exc.current_version) from exc
        raise
