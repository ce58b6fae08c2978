"""Where a quote line's unit price comes from when the user gives none.

The one seam to the price lists: today the product's own `unit_price` (when it is in the quote's
currency); once the catalogue app lands this function asks its `price_for(...)` instead.
"""

from __future__ import annotations

import datetime as dt

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
    if product.currency != currency:
        return None
    return product.unit_price
