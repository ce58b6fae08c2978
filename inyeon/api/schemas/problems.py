"""The RFC 9457 problem document every error answers with, for the OpenAPI description."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class FieldErrorOut(Schema):
    field: str
    message: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldErrorOut] | None = None
    current_version: int | None = None


def problems(*codes: int) -> dict[int, Any]:
    """`response=` entries documenting the error statuses an endpoint can answer with."""
    return dict.fromkeys((401, *codes), ProblemOut)
