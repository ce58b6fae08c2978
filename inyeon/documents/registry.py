"""The record types documents can be attached to, each with the selector that decides who sees it.

A new app makes its records attachable from its `AppConfig.ready()`:

    register("opportunity", label=_("opportunity"), get_visible=opportunity_get, model=Opportunity)

`get_visible(user=..., pk=...)` must return the record if `user` may see it and raise the model's
`DoesNotExist` otherwise, as every `<entity>_get` selector does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import User


@dataclass(frozen=True)
class AttachableType:
    record_type: str
    label: str | Promise
    get_visible: Callable[..., Any]
    # The record's model, so documents of deleted records can be found (`documents_purge_orphans`).
    model: type[models.Model] | None = None


_TYPES: dict[str, AttachableType] = {}


def register(
    record_type: str,
    *,
    label: str | Promise,
    get_visible: Callable[..., Any],
    model: type[models.Model] | None = None,
) -> None:
    _TYPES[record_type] = AttachableType(record_type, label, get_visible, model)


def attachable_types() -> dict[str, AttachableType]:
    return dict(_TYPES)


def visible_record(user: User, record_type: str, record_id: int) -> Any | None:
    """The parent record if it exists, its type is attachable and `user` may see it; else None."""
    kind = _TYPES.get(record_type)
    if kind is None:
        return None
    try:
        return kind.get_visible(user=user, pk=record_id)
    except ObjectDoesNotExist:
        return None


def register_customer_types() -> None:
    from inyeon.customers import selectors
    from inyeon.customers.models import Account, Activity, Contact, Order

    register("contact", label=_("contact"), get_visible=selectors.contact_get, model=Contact)
    register("account", label=_("account"), get_visible=selectors.account_get, model=Account)
    register("order", label=_("order"), get_visible=selectors.order_get, model=Order)
    register("activity", label=_("activity"), get_visible=selectors.activity_get, model=Activity)


def register_sales_types() -> None:
    from inyeon.leads.models import Lead
    from inyeon.leads.selectors import lead_get
    from inyeon.quotes.models import Contract, Quote
    from inyeon.quotes.selectors import contract_get, quote_get
    from inyeon.sales.models import Opportunity
    from inyeon.sales.selectors import opportunity_get

    register("lead", label=_("lead"), get_visible=lead_get, model=Lead)
    register("opportunity", label=_("opportunity"), get_visible=opportunity_get, model=Opportunity)
    register("quote", label=_("quote"), get_visible=quote_get, model=Quote)
    register("contract", label=_("contract"), get_visible=contract_get, model=Contract)
