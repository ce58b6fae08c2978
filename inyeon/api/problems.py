"""RFC 9457 problem+json responses for every API error, naming each bad field."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from inyeon.core.errors import ConflictError, error_dict

PROBLEM_TYPE = "https://inyeon.dev/problems/"


class PreconditionFailed(Exception):
    """If-Match named a version that is no longer current."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    slug: str,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {"type": PROBLEM_TYPE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/problem+json"
    )


def _loc_to_field(loc: list[Any]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "payload", "header")]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "__all__"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DjangoValidationError)
    def validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = [{"field": f, "message": m} for f, ms in error_dict(exc).items() for m in ms]
        return problem(422, _("The request has invalid fields."), slug="validation", errors=errors)

    @api.exception_handler(NinjaValidationError)
    def schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _loc_to_field(list(e.get("loc", []))), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return problem(422, _("The request has invalid fields."), slug="validation", errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            401,
            _("Authentication required."),
            _("Send a valid API token as 'Authorization: Bearer <token>' or sign in."),
            slug="unauthenticated",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, _("Not allowed."), str(exc) or _("Your role may not do this."), slug="forbidden")

    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, _("Not found."), _("No such record, or you may not see it."), slug="not-found")

    @api.exception_handler(Http404)
    def http404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, _("Not found."), _("No such record, or you may not see it."), slug="not-found")

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return problem(
            409,
            _("The record was changed by someone else."),
            _("Read it again and apply your change to the current version."),
            slug="conflict",
            current_version=exc.current_version,
        )

    @api.exception_handler(PreconditionFailed)
    def precondition(request: HttpRequest, exc: PreconditionFailed) -> HttpResponse:
        return problem(
            412,
            _("The record was changed by someone else."),
            _("If-Match does not name the current version; read it again."),
            slug="precondition-failed",
            current_version=exc.current_version,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc), slug="error")
