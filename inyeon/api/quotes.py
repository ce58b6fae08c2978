"""/api/v1/quotes: quotes with versioned lines; PDF, send, accept and reject.

Reads through quotes.selectors (visibility), writes through quotes.services.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.problems import problems
from inyeon.api.schemas.quotes import (
    QuoteDetailOut,
    QuoteIn,
    QuoteOut,
    QuotePage,
    QuotePatch,
    QuoteVersionOut,
)
from inyeon.core.audit import client_ip
from inyeon.quotes import selectors, services
from inyeon.quotes.models import Quote, QuoteLine, QuoteStatus, QuoteVersion
from inyeon.quotes.pdf import render_quote_pdf

router = Router(tags=["quotes"])

QUOTE_FIELDS = tuple(QuoteOut.model_fields)
LINE_FIELDS = (
    "position",
    "product_id",
    "description",
    "quantity",
    "unit_price",
    "tax_rate_id",
    "tax_rate_bp",
    "gross",
    "line_discount",
    "net",
)


def quote_body(quote: Quote) -> dict[str, Any]:
    return fields(quote, QUOTE_FIELDS)


def line_body(line: QuoteLine) -> dict[str, Any]:
    return {
        **fields(line, LINE_FIELDS),
        "discount": services.discount_text(line.discount_kind, line.discount_value),
    }


def version_body(version: QuoteVersion, lines: list[QuoteLine]) -> dict[str, Any]:
    return {
        **fields(
            version, ("number", "subtotal", "discount_total", "tax_total", "total", "created_at", "sent_at")
        ),
        "discount": services.discount_text(version.discount_kind, version.discount_value),
        "lines": [line_body(line) for line in lines],
    }


def quote_detail(quote: Quote) -> dict[str, Any]:
    version = selectors.quote_version(quote)
    return {**quote_body(quote), "current": version_body(version, selectors.version_lines(version))}


@router.get("", response={200: QuotePage, **problems(422)}, summary="Quotes, newest first")
def list_quotes(
    request: HttpRequest,
    status: str = "",
    opportunity_id: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    if status and status not in QuoteStatus.values:
        raise ValidationError(
            {"status": _("Choose one of: %(choices)s.") % {"choices": ", ".join(QuoteStatus.values)}}
        )
    page = selectors.quote_list(
        user=actor(request),
        status=status,
        opportunity_id=opportunity_id,
        account_id=account_id,
        contact_id=contact_id,
        cursor=cursor,
        limit=limit,
    )
    return page_body(page, quote_body)


@router.post("", response={201: QuoteDetailOut, **problems(403, 422)}, summary="Create a draft quote (v1)")
def create_quote(request: HttpRequest, payload: QuoteIn, response: HttpResponse) -> Status[Any]:
    user = actor(request)
    quote = services.quote_create(data=payload.model_dump(), actor=user, ip=client_ip(request))
    set_location(response, f"quotes/{quote.pk}")
    set_etag(response, quote.version)
    return Status(201, quote_detail(selectors.quote_get(user=user, pk=quote.pk)))


@router.get(
    "/{quote_id}", response={200: QuoteDetailOut, **problems(404)}, summary="One quote, current lines"
)
def get_quote(request: HttpRequest, quote_id: int, response: HttpResponse) -> dict[str, Any]:
    quote = selectors.quote_get(user=actor(request), pk=quote_id)
    set_etag(response, quote.version)
    return quote_detail(quote)


@router.patch(
    "/{quote_id}",
    response={200: QuoteDetailOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a quote (If-Match or version); new lines after sending start the next version",
)
def update_quote(
    request: HttpRequest, quote_id: int, payload: QuotePatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    quote = selectors.quote_get(user=user, pk=quote_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        quote = services.quote_update(
            quote=quote,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, quote.version),
            ip=client_ip(request),
        )
    set_etag(response, quote.version)
    return quote_detail(selectors.quote_get(user=user, pk=quote.pk))


@router.delete("/{quote_id}", response={204: None, **problems(403, 404, 412, 422)}, summary="Delete a draft")
def delete_quote(request: HttpRequest, quote_id: int) -> Status[None]:
    user = actor(request)
    quote = selectors.quote_get(user=user, pk=quote_id)
    expected_version(request, None, quote.version)
    services.quote_delete(quote=quote, actor=user, ip=client_ip(request))
    return Status(204, None)


@router.get(
    "/{quote_id}/versions",
    response={200: list[QuoteVersionOut], **problems(404)},
    summary="Every version with its lines, newest first",
)
def list_versions(request: HttpRequest, quote_id: int) -> list[dict[str, Any]]:
    quote = selectors.quote_get(user=actor(request), pk=quote_id)
    return [version_body(v, list(v.lines.all())) for v in selectors.quote_versions(quote)]


@router.get(
    "/{quote_id}/versions/{number}",
    response={200: QuoteVersionOut, **problems(404)},
    summary="One version with its lines",
)
def get_version(request: HttpRequest, quote_id: int, number: int) -> dict[str, Any]:
    quote = selectors.quote_get(user=actor(request), pk=quote_id)
    version = selectors.quote_version(quote, number)
    return version_body(version, selectors.version_lines(version))


@router.get(
    "/{quote_id}/lines",
    response={200: QuoteVersionOut, **problems(404)},
    summary="The current version's lines and totals",
)
def get_lines(request: HttpRequest, quote_id: int) -> dict[str, Any]:
    quote = selectors.quote_get(user=actor(request), pk=quote_id)
    version = selectors.quote_version(quote)
    return version_body(version, selectors.version_lines(version))


@router.get(
    "/{quote_id}/pdf",
    response={200: None, **problems(404)},
    summary="The quote as a PDF (current version, or ?version=N)",
    openapi_extra={"responses": {"200": {"content": {"application/pdf": {}}}}},
)
def get_pdf(request: HttpRequest, quote_id: int, version: int | None = None) -> HttpResponse:
    quote = selectors.quote_get(user=actor(request), pk=quote_id)
    quote_version = selectors.quote_version(quote, version)
    pdf = render_quote_pdf(quote, quote_version, selectors.version_lines(quote_version))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}-v{quote_version.number}.pdf"'
    return response


def _action(request: HttpRequest, quote_id: int, response: HttpResponse, do: Any) -> dict[str, Any]:
    user = actor(request)
    quote = selectors.quote_get(user=user, pk=quote_id)
    expected_version(request, None, quote.version)
    quote = do(quote=quote, actor=user, ip=client_ip(request))
    set_etag(response, quote.version)
    return quote_detail(selectors.quote_get(user=user, pk=quote.pk))


@router.post(
    "/{quote_id}/send",
    response={200: QuoteDetailOut, **problems(403, 404, 412, 422)},
    summary="E-mail the current version (PDF attached) to the contact; status becomes sent",
)
def send_quote(request: HttpRequest, quote_id: int, response: HttpResponse) -> dict[str, Any]:
    return _action(request, quote_id, response, services.quote_send)


@router.post(
    "/{quote_id}/accept",
    response={200: QuoteDetailOut, **problems(403, 404, 412, 422)},
    summary="Accept the quote and create its order (once)",
)
def accept_quote(request: HttpRequest, quote_id: int, response: HttpResponse) -> dict[str, Any]:
    return _action(request, quote_id, response, services.quote_accept)


@router.post(
    "/{quote_id}/reject",
    response={200: QuoteDetailOut, **problems(403, 404, 412, 422)},
    summary="Mark the quote rejected",
)
def reject_quote(request: HttpRequest, quote_id: int, response: HttpResponse) -> dict[str, Any]:
    return _action(request, quote_id, response, services.quote_reject)
