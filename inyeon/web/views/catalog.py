"""The catalogue pages: product list and page (images, specs, options, the price lists that apply
and the configurator), create and edit forms, option management, and the price list pages.
Everybody signed in reads them; admins and managers change them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.catalog import selectors, services
from inyeon.catalog.models import Option, OptionGroup, OptionRule, PriceList, SegmentKind
from inyeon.core.audit import client_ip
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import User
from inyeon.core.visibility import can_edit_catalogue
from inyeon.customers import selectors as customer_selectors
from inyeon.customers.models import Product
from inyeon.web.catalog_forms import (
    ImageForm,
    OptionEditForm,
    OptionForm,
    OptionGroupEditForm,
    OptionGroupForm,
    OptionRuleForm,
    PriceItemForm,
    PriceListForm,
    ProductForm,
    parse_amount,
    parse_prices,
    prices_text,
    show_amount,
    signed_amount,
)
from inyeon.web.forms import ServiceForm
from inyeon.web.views.common import current_user, get_or_404, int_or_none

STALE = gettext_lazy(
    "Someone else changed this while you were editing. Reload the page to see their changes, then edit again."
)


def _editor(request: HttpRequest) -> User:
    user = current_user(request)
    if not can_edit_catalogue(user):
        raise PermissionDenied
    return user


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    user = current_user(request)
    return render(request, template, {"nav": "products", "can_edit": can_edit_catalogue(user), **context})


# --- products ----------------------------------------------------------------------------------


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    filters = selectors.ProductFilters(
        q=request.GET.get("q", "").strip(), category=request.GET.get("category", "").strip(), active=active
    )
    try:
        page = selectors.product_list(user=user, filters=filters, cursor=request.GET.get("cursor") or None)
    except ValidationError:
        return redirect("web:products")
    return _page(
        request,
        "web/catalog/list.html",
        {
            "page": page,
            "filters": filters,
            "active": request.GET.get("active", ""),
            "categories": selectors.categories(user),
        },
    )


def _configuration(request: HttpRequest, user: User, product: Product) -> dict[str, Any]:
    """The configurator form's state and, when it was sent, the price or the broken rules."""
    sent = "configure" in request.GET
    chosen = [v for v in request.GET.getlist("option") if v]
    for group in product.option_groups.all():
        value = request.GET.get(f"group_{group.pk}", "")
        if value:
            chosen.append(value)
    state: dict[str, Any] = {
        "sent": sent,
        "chosen": {int(v) for v in chosen if v.isdigit()},
        "currency": (request.GET.get("currency") or product.currency).upper()[:3],
        "on": request.GET.get("on") or timezone.localdate().isoformat(),
        "contact_id": request.GET.get("contact", ""),
        "price": None,
        "broken": [],
        "errors": {},
    }
    if not sent:
        return state
    contact = None
    if state["contact_id"]:
        try:
            contact = customer_selectors.contact_get(user=user, pk=int_or_none(state["contact_id"]) or 0)
        except ObjectDoesNotExist:
            state["errors"]["contact"] = [_("No such record, or you may not see it.")]
    try:
        on = dt.date.fromisoformat(state["on"])
    except ValueError:
        state["errors"]["on"] = [_("Enter a date as YYYY-MM-DD.")]
        on = None
    if state["errors"]:
        return state
    try:
        state["price"] = services.configuration_price(
            product=product, options=chosen, currency=state["currency"], contact=contact, on=on
        )
    except selectors.ConfigurationError as exc:
        state["broken"] = exc.broken
    except ValidationError as exc:
        state["errors"] = error_dict(exc)
    state["contact"] = contact
    return state


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    product: Product = get_or_404(selectors.product_get, user=user, pk=pk)
    items = selectors.product_price_items(user=user, product=product)
    today = timezone.localdate()
    currencies = sorted({product.currency, *(i.price_list.currency for i in items)})
    return _page(
        request,
        "web/catalog/detail.html",
        {
            "product": product,
            "name": selectors.local_name(product),
            "description": product.description_en
            if request.LANGUAGE_CODE == "en" and product.description_en
            else product.description_ko,
            "groups": list(product.option_groups.all()),
            "rules": list(product.option_rules.all()),
            "items": items,
            "today": today,
            "currencies": currencies,
            "config": _configuration(request, user, product),
            "image_form": ImageForm(),
        },
    )


def _save_product(request: HttpRequest, user: User, product: Product | None) -> HttpResponse | ProductForm:
    form = ProductForm(data=request.POST)
    if not form.is_valid():
        return form
    try:
        if product is None:
            saved = services.product_create(data=form.service_data(), actor=user, ip=client_ip(request))
        else:
            saved = services.product_update(
                product=product,
                data=form.service_data(),
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form
    except ConflictError:
        form.add_error(None, STALE)
        return form
    messages.success(request, _("Product saved."))
    return redirect("web:product", pk=saved.pk)


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    form: ProductForm | HttpResponse = ProductForm(initial={"currency": "KRW", "active": True})
    if request.method == "POST":
        form = _save_product(request, user, None)
        if isinstance(form, HttpResponse):
            return form
    return _page(request, "web/catalog/form.html", {"form": form, "product": None})


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    product: Product = get_or_404(selectors.product_get, user=user, pk=pk)
    form: ProductForm | HttpResponse = ProductForm(initial=ProductForm.initial_for(product))
    if request.method == "POST":
        form = _save_product(request, user, product)
        if isinstance(form, HttpResponse):
            return form
    return _page(request, "web/catalog/form.html", {"form": form, "product": product})


# --- images ------------------------------------------------------------------------------------


@login_required
def product_image(request: HttpRequest, pk: int) -> FileResponse:
    """An image file, to signed-in users only, with the type it was checked to be."""
    image = get_or_404(selectors.image_get, user=current_user(request), pk=pk)
    file_path = services.media_path(image.path)
    if not file_path.is_file():
        raise Http404
    response = FileResponse(file_path.open("rb"), content_type=image.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def product_image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    product: Product = get_or_404(selectors.product_get, user=user, pk=pk)
    form = ImageForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.product_image_add(
                product=product,
                file=upload,
                name=upload.name or "",
                alt=form.cleaned_data["alt"],
                actor=user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        messages.success(request, _("Image added."))
    return redirect("web:product", pk=product.pk)


@login_required
@require_POST
def product_image_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    image = get_or_404(selectors.image_get, user=user, pk=pk)
    services.product_image_delete(image=image, actor=user, ip=client_ip(request))
    messages.success(request, _("Image removed."))
    return redirect("web:product", pk=image.product_id)


# --- options -----------------------------------------------------------------------------------


def _option_forms(product: Product, data: Any = None, which: str = "") -> dict[str, Any]:
    options = [
        (str(o.pk), f"{o.code} · {selectors.local_name(o)}") for o in Option.objects.filter(product=product)
    ]
    groups = [(str(g.pk), selectors.local_name(g)) for g in product.option_groups.all()]
    group_form = OptionGroupForm(data=data if which == "group" else None, prefix="group")
    option_form = OptionForm(data=data if which == "option" else None, prefix="option")
    option_form.fields["group_id"].choices = groups  # type: ignore[attr-defined]
    rule_form = OptionRuleForm(data=data if which == "rule" else None, prefix="rule")
    rule_form.fields["option"].choices = options  # type: ignore[attr-defined]
    rule_form.fields["target"].choices = options  # type: ignore[attr-defined]
    return {"group_form": group_form, "option_form": option_form, "rule_form": rule_form}


def _edit_target(product: Product, key: str) -> OptionGroup | Option | None:
    """The group or option named `group-<id>` / `option-<id>` (of this product), for its edit form."""
    kind, _sep, number = key.partition("-")
    item = int_or_none(number)
    if kind == "group" and item is not None:
        return OptionGroup.objects.filter(pk=item, product=product).first()
    if kind == "option" and item is not None:
        return Option.objects.filter(pk=item, product=product).first()
    return None


def _edit_form(product: Product, target: OptionGroup | Option, data: Any = None) -> ServiceForm:
    if isinstance(target, OptionGroup):
        initial: dict[str, Any] = {
            k: getattr(target, k) for k in ("name_ko", "name_en", "choice", "required", "position")
        }
        return OptionGroupEditForm(data=data, prefix="edit", initial=initial)
    prices = {p.currency: p.amount for p in target.prices.all()}
    initial = {
        **{k: getattr(target, k) for k in ("code", "name_ko", "name_en", "position")},
        "price_adjustment": show_amount(target.price_adjustment, product.currency),
        "prices": prices_text(prices),
    }
    return OptionEditForm(data=data, prefix="edit", initial=initial)


def _save_edit(
    request: HttpRequest, user: User, product: Product, target: OptionGroup | Option, form: ServiceForm
) -> bool:
    """Hand a valid edit form to the update service; False (errors on the form) when refused."""
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    try:
        if isinstance(target, OptionGroup):
            services.option_group_update(group=target, data=data, actor=user, ip=client_ip(request))
        else:
            text = data.get("price_adjustment") or ""
            amount = signed_amount(text, product.currency) if text.strip() else 0
            if amount is None:
                raise ValidationError({"price_adjustment": [_("Enter an amount such as 12000 or 12.50.")]})
            data["price_adjustment"] = amount
            data["prices"] = parse_prices(data.get("prices") or "")
            services.option_update(option=target, data=data, actor=user, ip=client_ip(request))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return False
    return True


@login_required
def product_options(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare option groups, options and rules, and edit groups and options in place (admins and
    managers). `?edit=group-<id>` or `?edit=option-<id>` opens that edit form."""
    user = _editor(request)
    product: Product = get_or_404(selectors.product_get, user=user, pk=pk)
    which = request.POST.get("which", "")
    edit_key = (request.POST.get("item", "") if which == "edit" else request.GET.get("edit", "")).strip()
    edit_target = _edit_target(product, edit_key) if edit_key else None
    if edit_key and edit_target is None:
        raise Http404
    edit_form = None
    if edit_target is not None:
        edit_form = _edit_form(product, edit_target, request.POST if which == "edit" else None)
        if (
            which == "edit"
            and request.method == "POST"
            and _save_edit(request, user, product, edit_target, edit_form)
        ):
            messages.success(request, _("Saved."))
            return redirect("web:product_options", pk=product.pk)
    forms = _option_forms(product, request.POST if request.method == "POST" else None, which)
    if request.method == "POST" and which != "edit":
        form = forms.get(f"{which}_form")
        if form is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if which == "group":
                    services.option_group_create(
                        product=product, data=data, actor=user, ip=client_ip(request)
                    )
                elif which == "option":
                    text = data.get("price_adjustment") or ""
                    amount = parse_amount(text.lstrip("-"), product.currency) if text else 0
                    if amount is None:
                        raise ValidationError(
                            {"price_adjustment": [_("Enter an amount such as 12000 or 12.50.")]}
                        )
                    data["price_adjustment"] = -amount if text.strip().startswith("-") else amount
                    services.option_create(product=product, data=data, actor=user, ip=client_ip(request))
                else:
                    services.option_rule_create(product=product, data=data, actor=user, ip=client_ip(request))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:product_options", pk=product.pk)
    product = selectors.product_get(user=user, pk=pk)
    return _page(
        request,
        "web/catalog/options.html",
        {
            "product": product,
            "name": selectors.local_name(product),
            "groups": list(product.option_groups.all()),
            "rules": list(product.option_rules.all()),
            **forms,
            "edit_key": edit_key,
            "edit_target": edit_target,
            "edit_form": edit_form,
        },
    )


@login_required
@require_POST
def product_option_delete(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    user = _editor(request)
    product: Product = get_or_404(selectors.product_get, user=user, pk=pk)
    try:
        if kind == "group":
            services.option_group_delete(
                group=OptionGroup.objects.get(pk=item, product=product), actor=user, ip=client_ip(request)
            )
        elif kind == "option":
            services.option_delete(
                option=Option.objects.get(pk=item, product=product), actor=user, ip=client_ip(request)
            )
        elif kind == "rule":
            services.option_rule_delete(
                rule=OptionRule.objects.get(pk=item, product=product), actor=user, ip=client_ip(request)
            )
        else:
            raise Http404
    except ObjectDoesNotExist:
        raise Http404 from None
    messages.success(request, _("Removed."))
    return redirect("web:product_options", pk=product.pk)


# --- price lists -------------------------------------------------------------------------------


@login_required
def price_list_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    valid_on = None
    if request.GET.get("valid_on"):
        try:
            valid_on = dt.date.fromisoformat(request.GET["valid_on"])
        except ValueError:
            valid_on = None
    kind = request.GET.get("segment_kind", "")
    filters = selectors.PriceListFilters(
        currency=request.GET.get("currency", "").strip()[:3],
        segment_kind=kind if kind in SegmentKind.values else "",
        valid_on=valid_on,
    )
    try:
        page = selectors.price_list_list(user=user, filters=filters, cursor=request.GET.get("cursor") or None)
    except ValidationError:
        return redirect("web:price_lists")
    return _page(
        request,
        "web/catalog/price_lists.html",
        {"page": page, "filters": filters, "kinds": SegmentKind.choices, "today": timezone.localdate()},
    )


@login_required
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    price_list: PriceList = get_or_404(selectors.price_list_get, user=user, pk=pk)
    item_form = PriceItemForm()
    if request.method == "POST":
        user = _editor(request)
        item_form = PriceItemForm(data=request.POST)
        if item_form.is_valid():
            price = parse_amount(item_form.cleaned_data["price"], price_list.currency)
            try:
                if price is None:
                    raise ValidationError({"price": [_("Enter an amount such as 12000 or 12.50.")]})
                services.price_list_item_set(
                    price_list=price_list,
                    data={"product_code": item_form.cleaned_data["product_code"], "price": price},
                    actor=user,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                item_form.add_service_errors(exc)
            else:
                messages.success(request, _("Price saved."))
                return redirect("web:price_list", pk=price_list.pk)
    page = selectors.price_list_items(price_list=price_list, cursor=request.GET.get("cursor") or None)
    return _page(
        request,
        "web/catalog/price_list.html",
        {
            "price_list": price_list,
            "page": page,
            "item_form": item_form,
            "segment": _segment_label(price_list),
        },
    )


def _segment_label(price_list: PriceList) -> str:
    if price_list.segment_kind == SegmentKind.EVERYONE:
        return str(SegmentKind.EVERYONE.label)
    if price_list.segment_kind == SegmentKind.RFM_SEGMENT:
        from inyeon.analytics.selectors import segment_labels

        label = segment_labels(get_language() or "ko").get(price_list.segment, price_list.segment)
        return f"{SegmentKind.RFM_SEGMENT.label}: {label}"
    return f"{SegmentKind.VALUE_TIER.label}: {price_list.segment}"


def _save_price_list(
    request: HttpRequest, user: User, price_list: PriceList | None
) -> HttpResponse | PriceListForm:
    form = PriceListForm(data=request.POST)
    if not form.is_valid():
        return form
    try:
        if price_list is None:
            saved = services.price_list_create(data=form.service_data(), actor=user, ip=client_ip(request))
        else:
            saved = services.price_list_update(
                price_list=price_list,
                data=form.service_data(),
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form
    except ConflictError:
        form.add_error(None, STALE)
        return form
    messages.success(request, _("Price list saved."))
    return redirect("web:price_list", pk=saved.pk)


@login_required
def price_list_create(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    form: PriceListForm | HttpResponse = PriceListForm(
        initial={"currency": "KRW", "valid_from": timezone.localdate().isoformat()}
    )
    if request.method == "POST":
        form = _save_price_list(request, user, None)
        if isinstance(form, HttpResponse):
            return form
    return _page(request, "web/catalog/price_list_form.html", {"form": form, "price_list": None})


@login_required
def price_list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    price_list: PriceList = get_or_404(selectors.price_list_get, user=user, pk=pk)
    initial = {
        name: getattr(price_list, name)
        for name in ("name", "currency", "segment_kind", "segment", "notes", "version")
    }
    initial["valid_from"] = price_list.valid_from.isoformat()
    initial["valid_to"] = price_list.valid_to.isoformat() if price_list.valid_to else ""
    form: PriceListForm | HttpResponse = PriceListForm(initial=initial)
    if request.method == "POST":
        form = _save_price_list(request, user, price_list)
        if isinstance(form, HttpResponse):
            return form
    return _page(request, "web/catalog/price_list_form.html", {"form": form, "price_list": price_list})


@login_required
@require_POST
def price_list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    price_list: PriceList = get_or_404(selectors.price_list_get, user=user, pk=pk)
    services.price_list_delete(price_list=price_list, actor=user, ip=client_ip(request))
    messages.success(request, _("Price list deleted."))
    return redirect("web:price_lists")


@login_required
@require_POST
def price_list_item_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = _editor(request)
    price_list: PriceList = get_or_404(selectors.price_list_get, user=user, pk=pk)
    found = price_list.items.filter(pk=item).first()
    if found is None:
        raise Http404
    services.price_list_item_remove(item=found, actor=user, ip=client_ip(request))
    messages.success(request, _("Removed."))
    return redirect("web:price_list", pk=price_list.pk)


urlpatterns: list[URLPattern] = [
    path("products/", product_list, name="products"),
    path("products/new/", product_create, name="product_create"),
    path("products/<int:pk>/", product_detail, name="product"),
    path("products/<int:pk>/edit/", product_edit, name="product_edit"),
    path("products/<int:pk>/options/", product_options, name="product_options"),
    path(
        "products/<int:pk>/options/<str:kind>/<int:item>/delete/",
        product_option_delete,
        name="product_option_delete",
    ),
    path("products/<int:pk>/images/", product_image_upload, name="product_image_upload"),
    path("products/images/<int:pk>/", product_image, name="product_image"),
    path("products/images/<int:pk>/delete/", product_image_delete, name="product_image_delete"),
    path("price-lists/", price_list_list, name="price_lists"),
    path("price-lists/new/", price_list_create, name="price_list_create"),
    path("price-lists/<int:pk>/", price_list_detail, name="price_list"),
    path("price-lists/<int:pk>/edit/", price_list_edit, name="price_list_edit"),
    path("price-lists/<int:pk>/delete/", price_list_delete, name="price_list_delete"),
    path(
        "price-lists/<int:pk>/items/<int:item>/delete/", price_list_item_delete, name="price_list_item_delete"
    ),
]
