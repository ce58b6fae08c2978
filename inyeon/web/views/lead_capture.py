"""The public lead form: `GET/POST /forms/lead/<key>` (no sign-in), its thank-you page, and a JSON
variant for embedding in another site (`GET /forms/lead/<key>.json` gives a signed token; POST with
`Accept: application/json` answers JSON or problem+json). Spam checks live in `leads.spam`."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from inyeon.core.audit import client_ip
from inyeon.core.errors import error_dict
from inyeon.leads import selectors, services, spam
from inyeon.leads.models import LeadForm
from inyeon.web.lead_forms import PublicLeadForm


def _form(key: str) -> LeadForm:
    try:
        return selectors.lead_form_by_key(key)
    except LeadForm.DoesNotExist:
        raise Http404 from None


def _wants_json(request: HttpRequest) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"
    )


def _problem(status: int, title: str, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"type": "https://inyeon.dev/problems/lead-form", "title": title, "status": status}
    if errors:
        body["errors"] = [{"field": f, "message": str(m)} for f, ms in errors.items() for m in ms]
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/problem+json"
    )


def _render(
    request: HttpRequest, form: LeadForm, public: PublicLeadForm, status: int = 200, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "web/leads/public_form.html",
        {
            "lead_form": form,
            "form": public,
            "token": spam.form_token(form.key),
            "error": error,
            "honeypot": spam.HONEYPOT,
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, key: str) -> HttpResponse:
    form = _form(key)
    if request.method == "GET":
        return _render(request, form, PublicLeadForm())
    as_json = _wants_json(request)
    body_bytes = len(request.body)
    if as_json:
        try:
            data = json.loads(request.body or b"{}") if body_bytes <= spam.MAX_BODY_BYTES else {}
        except ValueError:
            return _problem(400, _("The request body is not valid JSON."))
        if not isinstance(data, dict):
            return _problem(400, _("The request body is not valid JSON."))
    else:
        data = {k: request.POST.get(k) for k in request.POST}
    public = PublicLeadForm(data)
    try:
        lead = services.lead_capture(form=form, data=data, ip=client_ip(request), body_bytes=body_bytes)
    except spam.Rejected as exc:
        if as_json:
            return _problem(exc.status, exc.message)
        return _render(request, form, public, status=exc.status, error=exc.message)
    except ValidationError as exc:
        errors = error_dict(exc)
        if as_json:
            return _problem(422, _("The request has invalid fields."), errors)
        public.is_valid()
        for field, messages in errors.items():
            for message in messages:
                public.add_error(field if field in public.fields else None, message)
        return _render(request, form, public, status=400)
    if as_json:
        return JsonResponse(
            {"ok": True, "message": form.thanks_message or _("Thank you! We will be in touch soon.")},
            status=201 if lead else 200,
        )
    return redirect("web:lead_form_thanks", key=key)


def public_thanks(request: HttpRequest, key: str) -> HttpResponse:
    return render(request, "web/leads/public_thanks.html", {"lead_form": _form(key)})


def public_token(request: HttpRequest, key: str) -> JsonResponse:
    """A fresh signed token (and the field names) for a form embedded in another site."""
    form = _form(key)
    response = JsonResponse(
        {
            "action": f"/forms/lead/{key}",
            "token_field": spam.TOKEN,
            "token": spam.form_token(key),
            "honeypot_field": spam.HONEYPOT,
            "min_fill_seconds": form.min_fill_seconds,
            "fields": list(PublicLeadForm.base_fields),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("forms/lead/<str:key>.json", public_token, name="lead_form_token"),
    path("forms/lead/<str:key>/thanks/", public_thanks, name="lead_form_thanks"),
    path("forms/lead/<str:key>", public_form, name="lead_form_public"),
]
