"""Documents on the 360 pages: the panel, upload, download (streamed, as an attachment) and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inyeon.core.audit import client_ip
from inyeon.core.errors import error_dict
from inyeon.core.models import User
from inyeon.documents import selectors, services
from inyeon.documents.models import Document
from inyeon.web.views.common import current_user, get_or_404, int_or_none

# Where the 360 page of each record type is; other types go back to the page they came from.
RECORD_PAGES = {
    "contact": "web:contact",
    "account": "web:account",
    "lead": "web:lead",
    "opportunity": "web:opportunity",
    "quote": "web:quote",
    "contract": "web:contract",
}


def document_panel(user: User, record_type: str, record_id: int) -> dict[str, Any]:
    """Template context of `web/documents/_panel.html` for a record the user already sees."""
    try:
        items = selectors.document_list(
            user=user, record_type=record_type, record_id=record_id, limit=50
        ).items
    except Document.DoesNotExist:
        items = []
    return {"documents": items, "document_record_type": record_type, "document_record_id": record_id}


def _back(request: HttpRequest, record_type: str, record_id: int | None) -> HttpResponse:
    if record_type in RECORD_PAGES and record_id:
        return redirect(RECORD_PAGES[record_type], pk=record_id)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "web:home")


@login_required
@require_POST
def document_upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    record_type = request.POST.get("record_type", "")
    record_id = int_or_none(request.POST.get("record_id"))
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to upload.")]})
        if record_id is None:
            raise ValidationError({"record_id": [_("No such record, or you may not see it.")]})
        document = services.document_upload(
            record_type=record_type, record_id=record_id, upload=upload, actor=user, ip=client_ip(request)
        )
        messages.success(request, _("“%(name)s” uploaded.") % {"name": document.file_name})
    except ValidationError as exc:
        labels = {"file": _("File"), "record_id": _("Record")}
        messages.error(
            request,
            "; ".join(f"{labels.get(k, k)}: {' '.join(v)}" for k, v in error_dict(exc).items()),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return _back(request, record_type, record_id)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    user = current_user(request)
    document = get_or_404(selectors.document_get, user=user, pk=pk)
    try:
        return services.document_response(document, user=user, ip=client_ip(request))
    except Document.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = get_or_404(selectors.document_get, user=user, pk=pk)
    try:
        services.document_delete(document=document, actor=user, ip=client_ip(request))
        messages.success(request, _("“%(name)s” deleted.") % {"name": document.file_name})
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return _back(request, document.record_type, document.record_id)


urlpatterns = [
    path("documents/upload/", document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", document_download, name="document_download"),
    path("documents/<int:pk>/delete/", document_delete, name="document_delete"),
]
