"""Every exception the API can meet, answered as problem+json in the request's language."""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from inyeon.api.concurrency import etag
from inyeon.api.field_errors import django_field_errors, schema_field_errors
from inyeon.api.problems import CsrfFailed, PreconditionFailed, problem
from inyeon.core.errors import ConflictError, error_dict

logger = logging.getLogger(__name__)

# ninja raises HttpError(400, "Cannot parse request body …") for a body that is not JSON.
UNPARSABLE_BODY = "Cannot parse request body"


def invalid(errors: list[dict[str, str]], status: int = 422) -> HttpResponse:
    detail = " ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(status, _("The request has invalid fields."), detail, slug="validation", errors=errors)


def not_found() -> HttpResponse:
    return problem(404, _("Not found."), _("No such record, or you may not see it."), slug="not-found")


def unauthenticated() -> HttpResponse:
    response = problem(
        401,
        _("Authentication required."),
        _("Send a valid API token as 'Authorization: Bearer <token>' or sign in."),
        slug="unauthenticated",
    )
    response["WWW-Authenticate"] = 'Bearer realm="inyeon"'
    return response


def stale(status: int, current_version: int, detail: str, slug: str) -> HttpResponse:
    response = problem(
        status,
        _("The record was changed by someone else."),
        detail,
        slug=slug,
        current_version=current_version,
    )
    response["ETag"] = etag(current_version)
    return response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DjangoValidationError)
    def validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return invalid(django_field_errors(error_dict(exc)))

    @api.exception_handler(NinjaValidationError)
    def schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return invalid(schema_field_errors(exc.errors))

    @api.exception_handler(AuthenticationError)
    def authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return unauthenticated()

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, _("Not allowed."), str(exc) or _("Your role may not do this."), slug="forbidden")

    @api.exception_handler(CsrfFailed)
    def csrf(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
        return problem(403, _("Not allowed."), _("CSRF verification failed. Request aborted."), slug="csrf")

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return not_found()

    @api.exception_handler(Http404)
    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return not_found()

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        detail = _("Read it again and apply your change to the current version.")
        return stale(409, exc.current_version, detail, "conflict")

    @api.exception_handler(PreconditionFailed)
    def precondition(request: HttpRequest, exc: PreconditionFailed) -> HttpResponse:
        detail = _("If-Match does not name the current version; read it again.")
        return stale(412, exc.current_version, detail, "precondition-failed")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith(UNPARSABLE_BODY):
            return invalid([{"field": "__all__", "message": _("The request body is not valid JSON.")}], 400)
        return problem(exc.status_code, str(exc), slug="error")

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return problem(500, _("Something went wrong on the server; it has been logged."), slug="server-error")
