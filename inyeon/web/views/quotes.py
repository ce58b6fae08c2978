"""Quote pages: list, detail (versions, lines, totals), create/edit with a lines editor that works
without JavaScript, PDF download, send, accept and reject. Routes in `urlpatterns`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.core.audit import client_ip
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import assignable_users, can_assign_to_others, can_manage_tax_rates
from inyeon.customers.privacy import log_pii_access, present_pii
from inyeon.quotes import selectors, services
from inyeon.quotes.models import Quote, QuoteLine, QuoteStatus
from inyeon.quotes.pdf import render_quote_pdf
from inyeon.web.forms import BLANK
from inyeon.web.quote_forms import LINE_FIELDS, QuoteForm, line_rows
from inyeon.web.views.common import current_user, get_or_404, int_or_none, owner_field
from inyeon.web.views.documents import document_panel

HEADER_FIELDS = ("title", "currency", "language", "terms", "notes", "version")


@login_required
def quote_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    if status not in QuoteStatus.values:
        status = ""
    try:
        page = selectors.quote_list(user=user, status=status, cursor=request.GET.get("cursor") or None)
    except ValidationError:
        return redirect("web:quotes")
    return render(
        request,
        "web/quotes/list.html",
        {
            "page": page,
            "status": status,
            "statuses": QuoteStatus.choices,
            "can_manage_tax_rates": can_manage_tax_rates(user),
        },
    )


@login_required
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    quote: Quote = get_or_404(selectors.quote_get, user=user, pk=pk)
    versions = selectors.quote_versions(quote)
    shown = int_or_none(request.GET.get("v")) or quote.current_version
    version = next((v for v in versions if v.number == shown), None)
    if version is None:
        raise Http404
    recipient = services.quote_recipient(quote)
    if quote.contact is not None and recipient == quote.contact.primary_email:
        # The contact's address is personal data: masked for roles without it, and logged when shown.
        recipient = present_pii(quote.contact, user).email
        log_pii_access(
            user=user,
            contacts=[quote.contact],
            action=AccessLog.Action.VIEW,
            ip=client_ip(request),
            detail=f"quote {quote.number}",
        )
    return render(
        request,
        "web/quotes/detail.html",
        {
            "quote": quote,
            "versions": versions,
            "version": version,
            "lines": list(version.lines.all()),
            "recipient": recipient,
            "editable": quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT),
            "decidable": quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT),
            "sendable": quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT) and version.sent_at is None,
            **document_panel(user, "quote", quote.pk),
        },
    )


def _form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> QuoteForm:
    form = QuoteForm(data=data, initial=initial)
    if can_assign_to_others(user):
        owner_field(form).choices = BLANK + [
            (str(u.pk), u.username) for u in assignable_users(user).order_by("username")
        ]
    else:
        del form.fields["owner_id"]
    return form


def _line_errors(exc: ValidationError) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for key, msgs in error_dict(exc).items():
        if key.startswith("lines[") and "]" in key:
            index = int_or_none(key[6 : key.index("]")])
            if index is not None:
                out.setdefault(index, []).extend(msgs)
    return out


def _existing_rows(lines: list[QuoteLine]) -> list[dict[str, Any]]:
    return [
        {
            "product_code": line.product.code if line.product else "",
            "description": line.description,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "discount": services.discount_text(line.discount_kind, line.discount_value),
            "tax_rate_id": str(line.tax_rate_id),
        }
        for line in lines
    ]


def _editor(request: HttpRequest, user: User, quote: Quote | None) -> HttpResponse:
    line_errors: dict[int, list[str]] = {}
    if request.method == "POST":
        form = _form(user, data=request.POST)
        rows = line_rows(request.POST, [])
        if form.is_valid():
            data = form.service_data(rows, creating=quote is None)
            try:
                if quote is None:
                    saved = services.quote_create(data=data, actor=user, ip=client_ip(request))
                else:
                    saved = services.quote_update(
                        quote=quote,
                        data=data,
                        actor=user,
                        expected_version=form.cleaned_data.get("version"),
                        ip=client_ip(request),
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
                line_errors = _line_errors(exc)
            except ConflictError:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this quote while you were editing. "
                        "Reload the page to see their changes, then edit again."
                    ),
                )
            else:
                messages.success(request, _("Quote %(n)s saved.") % {"n": saved.number})
                return redirect("web:quote", pk=saved.pk)
    elif quote is None:
        form = _form(
            user,
            initial={
                "opportunity_id": request.GET.get("opportunity", ""),
                "account_id": request.GET.get("account", ""),
                "contact_id": request.GET.get("contact", ""),
                "currency": "KRW",
                "language": "ko",
            },
        )
        rows = line_rows(None, [])
    else:
        version = selectors.quote_version(quote)
        form = _form(
            user,
            initial={
                **{
                    f: getattr(quote, f)
                    for f in ("title", "currency", "language", "terms", "notes", "version")
                },
                "valid_until": quote.valid_until.isoformat(),
                "discount": services.discount_text(version.discount_kind, version.discount_value),
                "owner_id": str(quote.owner_id),
            },
        )
        rows = line_rows(None, _existing_rows(selectors.version_lines(version)))
    if quote is None and not any(
        (form.data if form.is_bound else form.initial).get(k)
        for k in ("opportunity_id", "account_id", "contact_id")
    ):
        form.show_customer_fields()
    return render(
        request,
        "web/quotes/form.html",
        {
            "form": form,
            "quote": quote,
            "rows": [{**row, "errors": line_errors.get(i, []), "index": i} for i, row in enumerate(rows)],
            "line_fields": LINE_FIELDS,
            "tax_rates": selectors.tax_rates_active(),
        },
    )


@login_required
def quote_create(request: HttpRequest) -> HttpResponse:
    return _editor(request, current_user(request), None)


@login_required
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    quote: Quote = get_or_404(selectors.quote_get, user=user, pk=pk)
    return _editor(request, user, quote)


@login_required
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    quote: Quote = get_or_404(selectors.quote_get, user=user, pk=pk)
    try:
        version = selectors.quote_version(quote, int_or_none(request.GET.get("v")))
    except quote.versions.model.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(
        render_quote_pdf(quote, version, selectors.version_lines(version)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{quote.number}-v{version.number}.pdf"'
    return response


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    user = current_user(request)
    quote: Quote = get_or_404(selectors.quote_get, user=user, pk=pk)
    try:
        action(quote=quote, actor=user, ip=client_ip(request))
    except ValidationError as exc:
        for msgs in error_dict(exc).values():
            for message in msgs:
                messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("web:quote", pk=pk)


@login_required
@require_POST
def quote_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.quote_send, _("The quote is being sent by e-mail."))


@login_required
@require_POST
def quote_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.quote_accept, _("Quote accepted; the order was created."))


@login_required
@require_POST
def quote_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.quote_reject, _("Quote marked as rejected."))


urlpatterns: list[URLPattern] = [
    path("quotes/", quote_list, name="quotes"),
    path("quotes/new/", quote_create, name="quote_create"),
    path("quotes/<int:pk>/", quote_detail, name="quote"),
    path("quotes/<int:pk>/edit/", quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/pdf", quote_pdf, name="quote_pdf"),
    path("quotes/<int:pk>/send", quote_send, name="quote_send"),
    path("quotes/<int:pk>/accept", quote_accept, name="quote_accept"),
    path("quotes/<int:pk>/reject", quote_reject, name="quote_reject"),
]
