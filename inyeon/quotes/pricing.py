"""Where a quote line's unit price comes from when the user gives none: the catalogue's price lists.

A quote line carries no configurator options, so the base price is what the catalogue would charge
this customer on this day: the lowest applicable price list (everyone, the contact's value tier or
RFM segment), else the product's own list price when the quote is in the product's currency.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inyeon.catalog.selectors import applicable_item, segments_of
from inyeon.customers.models import Account, Contact, Product


def unit_price_for(
    *,
    product: Product,
    currency: str,
    account: Account | None = None,
    contact: Contact | None = None,
    on: dt.date | None = None,
) -> int | None:
    """The unit price in minor units of `currency`, or None when the product has none in it."""
    item = applicable_item(
        product=product, currency=currency, segments=segments_of(contact), on=on or timezone.localdate()
    )
    if item is not None:
        return item.price
    if product.currency != currency:
        return None
    return product.unit_price
