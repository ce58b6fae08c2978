"""Admin-only views of the audit log and the personal-data access log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from inyeon.core.models import AccessLog, AuditLog
from inyeon.core.pagination import keyset_page
from inyeon.core.visibility import is_admin
from inyeon.web.views.common import current_user


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not is_admin(current_user(request)):
        raise Http404
    qs = AuditLog.objects.all()
    entity = request.GET.get("entity", "").strip()
    actor = request.GET.get("actor", "").strip()
    entity_id = request.GET.get("entity_id", "").strip()
    if entity:
        qs = qs.filter(entity=entity)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if actor:
        qs = qs.filter(actor_name=actor)
    page = keyset_page(qs, sort="-at", cursor=request.GET.get("cursor") or None, limit=50)
    return render(
        request,
        "web/logs/audit.html",
        {"page": page, "entity": entity, "actor": actor, "entity_id": entity_id},
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not is_admin(current_user(request)):
        raise Http404
    qs = AccessLog.objects.all()
    actor = request.GET.get("actor", "").strip()
    if actor:
        qs = qs.filter(actor_name=actor)
    page = keyset_page(qs, sort="-at", cursor=request.GET.get("cursor") or None, limit=50)
    return render(request, "web/logs/access.html", {"page": page, "actor": actor})
