"""Contact list, the 360 page, create and edit, consents and activities."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.analytics.explain import p_alive_sentence
from inyeon.analytics.selectors import score_of, segment_labels
from inyeon.core.audit import client_ip
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import assignable_users, can_assign_to_others
from inyeon.customers import selectors, services
from inyeon.customers.channels import emails_of, phones_of
from inyeon.customers.choices import ConsentChannel, LifecycleStage
from inyeon.customers.models import Contact
from inyeon.customers.privacy import log_pii_access, present_pii
from inyeon.dataio.duplicates import selectors as duplicate_selectors
from inyeon.dataio.duplicates import services as duplicate_services
from inyeon.sales import selectors as sales_selectors
from inyeon.web.forms import BLANK, ActivityForm, ConsentForm, ContactForm, ServiceForm
from inyeon.web.views.common import current_user, get_or_404, int_or_none, owner_field
from inyeon.web.views.documents import document_panel
from inyeon.web.views.exports import export_response


def _score(value: Any) -> int | None:
    number = int_or_none(value)
    return number if number is not None and 1 <= number <= 5 else None


def _filters(request: HttpRequest) -> selectors.ContactFilters:
    stage = request.GET.get("stage", "")
    tier = request.GET.get("tier", "")
    return selectors.ContactFilters(
        q=request.GET.get("q", "").strip(),
        lifecycle_stage=stage if stage in LifecycleStage.values else "",
        owner_id=int_or_none(request.GET.get("owner")),
        tag=request.GET.get("tag", "").strip(),
        segment=request.GET.get("segment", "").strip()[:30],
        value_tier=tier if tier in {"A", "B", "C"} else "",
        r_score=_score(request.GET.get("r_score")),
        f_score=_score(request.GET.get("f_score")),
        m_score=_score(request.GET.get("m_score")),
        p_alive_min=_share(request.GET.get("p_alive_min")),
        p_alive_max=_share(request.GET.get("p_alive_max")),
    )


def _share(value: Any) -> float | None:
    try:
        number = float(str(value).replace("%", "")) if value not in (None, "") else None
    except ValueError:
        return None
    if number is not None and number > 1:
        number /= 100  # "80" and "80%" mean 0.8
    return number if number is not None and 0 <= number <= 1 else None


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    sort = request.GET.get("sort", "-created_at")
    if sort not in selectors.CONTACT_SORTS:
        sort = "-created_at"
    try:
        page = selectors.contact_list(
            user=user, filters=_filters(request), sort=sort, cursor=request.GET.get("cursor") or None
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect("web:contacts")
    rows = [(c, present_pii(c, user)) for c in page.items]
    filters = _filters(request)
    for field, label in (("p_alive_min", _("P(alive) from")), ("p_alive_max", _("P(alive) to"))):
        if request.GET.get(field) and getattr(filters, field) is None:
            messages.error(
                request,
                _("%(field)s: enter a number from 0 to 1 or a percentage; the filter was left out.")
                % {"field": label},
            )
    log_pii_access(
        user=user,
        contacts=page.items,
        action=AccessLog.Action.SEARCH if filters.q else AccessLog.Action.LIST,
        ip=client_ip(request),
        detail=f"web contact list q={filters.q[:80]}",
    )
    return render(
        request,
        "web/contacts/list.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "sort": sort,
            "stages": LifecycleStage.choices,
            "owners": assignable_users(user).order_by("username") if can_assign_to_others(user) else [],
            "sorts": [
                ("-created_at", _("Newest first")),
                ("created_at", _("Oldest first")),
                ("search_name", _("Name (A→Z, 가→하)")),
                ("-updated_at", _("Recently changed")),
                ("-score.clv_12m", _("12-month CLV, highest first")),
                ("-score.customer_equity", _("Customer equity, highest first")),
                ("-score.monetary", _("Revenue, highest first")),
                ("-score.frequency", _("Orders, most first")),
                ("score.recency_days", _("Last purchase, most recent first")),
                ("-score.p_alive", _("P(alive), highest first")),
                ("score.p_alive", _("P(alive), lowest first")),
                ("-score.expected_purchases_90d", _("Expected purchases, most first")),
                ("-score.r_score", _("R score, highest first")),
                ("-score.f_score", _("F score, highest first")),
                ("-score.m_score", _("M score, highest first")),
            ],
            "segment_labels": segment_labels(get_language() or "en"),
            "tiers": ["A", "B", "C"],
            "score_sort": sort.lstrip("-").startswith("score."),
            "score_values": [1, 2, 3, 4, 5],
            "score_filters": [
                ("r_score", _("R score"), filters.r_score),
                ("f_score", _("F score"), filters.f_score),
                ("m_score", _("M score"), filters.m_score),
            ],
        },
    )


@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    contact: Contact = get_or_404(selectors.contact_get, user=user, pk=pk)
    pii = present_pii(contact, user, with_related=True)
    log_pii_access(
        user=user,
        contacts=[contact],
        action=AccessLog.Action.VIEW,
        ip=client_ip(request),
        detail="web contact 360",
    )
    consent = selectors.consent_state(contact)
    score = score_of(contact)
    labels = segment_labels(get_language() or "en") if score else {}
    return render(
        request,
        "web/contacts/detail.html",
        {
            "contact": contact,
            "pii": pii,
            "timeline": sales_selectors.with_opportunity_moves(
                selectors.contact_timeline(user=user, contact=contact, limit=100),
                user=user,
                contact_ids=[contact.pk],
                account_id=None,
            ),
            "orders": selectors.order_list(user=user, contact_id=contact.pk, limit=20).items,
            "consents": [(ConsentChannel(channel).label, record) for channel, record in consent.items()],
            "referrals": selectors.contacts_visible(user).filter(referred_by=contact)[:20],
            "referrer": contact.referred_by
            if contact.referred_by_id
            and selectors.contacts_visible(user).filter(pk=contact.referred_by_id).exists()
            else None,
            "consent_form": ConsentForm(),
            "activity_form": ActivityForm(),
            "score": score,
            "segment_label": labels.get(score.segment, score.segment) if score else "",
            "previous_segment_label": labels.get(score.previous_segment, score.previous_segment)
            if score
            else "",
            "p_alive_sentence": p_alive_sentence(score) if score else "",
            **document_panel(user, "contact", contact.pk),
        },
    )


def _contact_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> ContactForm:
    form = ContactForm(data=data, initial=initial)
    if can_assign_to_others(user):
        owner_field(form).choices = BLANK + [
            (str(u.pk), u.get_full_name() or u.username) for u in assignable_users(user).order_by("username")
        ]
    else:
        del form.fields["owner_id"]
    return form


def _resolve_account(user: User, text: str, data: dict[str, Any], form: ContactForm) -> bool:
    text = text.strip()
    if not text:
        data["account_id"] = None
        return True
    qs = selectors.accounts_visible(user)
    account = qs.filter(pk=int(text)).first() if text.isdigit() else qs.filter(name=text).first()
    if account is None:
        form.add_error("account", _("No account with this name or number that you may see."))
        return False
    data["account_id"] = account.pk
    return True


def _save_contact(request: HttpRequest, user: User, contact: Contact | None) -> HttpResponse | ContactForm:
    form = _contact_form(user, data=request.POST)
    if not form.is_valid():
        return form
    data = form.service_data()
    if not _resolve_account(user, form.cleaned_data["account"], data, form):
        return form
    try:
        if contact is None:
            saved = services.contact_create(data=data, actor=user, ip=client_ip(request))
            messages.success(request, _("Contact created."))
            _flag_duplicates(request, user, saved)
        else:
            saved = services.contact_update(
                contact=contact,
                data=data,
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
            messages.success(request, _("Contact saved."))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form
    except ConflictError:
        form.add_error(
            None,
            _(
                "Someone else changed this contact while you were editing. "
                "Reload the page to see their changes, then edit again."
            ),
        )
        return form
    return redirect("web:contact", pk=saved.pk)


def _flag_duplicates(request: HttpRequest, user: User, contact: Contact) -> None:
    """Look for duplicates of a new contact; the 360 page then lists the ones the user may see."""
    duplicate_services.flag_safely([contact.pk])
    if duplicate_selectors.possible_duplicates(user=user, contact=contact):
        messages.warning(request, _("This contact may be a duplicate: see “Possible duplicates” below."))


@login_required
def contact_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        result = _save_contact(request, user, None)
        if isinstance(result, HttpResponse):
            return result
        form = result
    else:
        form = _contact_form(
            user, initial={"lifecycle_stage": "prospect", "language": "ko", "address_country": "KR"}
        )
    return render(request, "web/contacts/form.html", {"form": form, "contact": None})


def _initial(contact: Contact) -> dict[str, Any]:
    address = contact.addresses.first()
    initial: dict[str, Any] = {
        f: getattr(contact, f)
        for f in (
            "family_name",
            "given_name",
            "display_name",
            "name_order",
            "job_title",
            "preferred_channel",
            "language",
            "source",
            "lifecycle_stage",
            "notes",
            "version",
        )
    }
    initial.update(
        account=contact.account.name if contact.account else "",
        emails="\n".join(emails_of(contact)),
        phones="\n".join(phones_of(contact)),
        tags=", ".join(contact.tags.values_list("name", flat=True)),
        birth_date=contact.birth_date.isoformat() if contact.birth_date else "",
        referred_by_id=contact.referred_by_id or "",
        owner_id=str(contact.owner_id),
    )
    if address:
        initial.update({f"address_{k}": getattr(address, k) for k in ContactForm.ADDRESS_FIELDS})
    return initial


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    contact: Contact = get_or_404(selectors.contact_get, user=user, pk=pk)
    if request.method == "POST":
        result = _save_contact(request, user, contact)
        if isinstance(result, HttpResponse):
            return result
        form = result
    else:
        log_pii_access(
            user=user,
            contacts=[contact],
            action=AccessLog.Action.VIEW,
            ip=client_ip(request),
            detail="web contact edit form",
        )
        form = _contact_form(user, initial=_initial(contact))
    return render(request, "web/contacts/form.html", {"form": form, "contact": contact})


def _post_on_contact(
    request: HttpRequest,
    pk: int,
    form_class: type[ServiceForm],
    write: Callable[[Contact, User, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Validate a small form posted from the 360 page, call its service, report, go back."""
    user = current_user(request)
    contact: Contact = get_or_404(selectors.contact_get, user=user, pk=pk)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        write(contact, user, form.cleaned_data)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, _describe(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("web:contact", pk=pk)


@login_required
@require_POST
def contact_consent(request: HttpRequest, pk: int) -> HttpResponse:
    ip = client_ip(request)
    return _post_on_contact(
        request,
        pk,
        ConsentForm,
        lambda contact, user, data: services.consent_record(contact=contact, actor=user, ip=ip, **data),
        _("Consent recorded."),
    )


@login_required
@require_POST
def contact_activity(request: HttpRequest, pk: int) -> HttpResponse:
    ip = client_ip(request)
    return _post_on_contact(
        request,
        pk,
        ActivityForm,
        lambda contact, user, data: services.activity_create(
            data={**data, "contact_id": contact.pk}, actor=user, ip=ip
        ),
        _("Activity added."),
    )


@login_required
@require_POST
def activity_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    activity = get_or_404(selectors.activity_get, user=user, pk=pk)
    try:
        services.activity_complete(activity=activity, actor=user, ip=client_ip(request))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "web:home")


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
        for field, msgs in error_dict(exc).items()
    )


@login_required
def contact_export(request: HttpRequest) -> HttpResponseBase:
    """The list with its current filters as CSV or XLSX (`?format=`), masked as the list is."""
    return export_response(request, kind="contacts", filters=dataclasses.asdict(_filters(request)))
