"""Reads of quotes and contracts; every read a user can reach goes through `visible()`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_page
from inyeon.core.visibility import visible
from inyeon.quotes.models import Contract, Quote, QuoteLine, QuoteVersion, TaxRate

LIST_SORTS = {"-created_at", "created_at"}


def quotes_visible(user: User, *, single: bool = False) -> QuerySet[Quote]:
    return visible(user, Quote.objects.all(), record_type="quote", single=single)


def quote_get(*, user: User, pk: int) -> Quote:
    """The quote if `user` may see it; `Quote.DoesNotExist` otherwise (a 404)."""
    return (
        quotes_visible(user, single=True)
        .select_related("account", "contact", "opportunity", "owner", "team", "order")
        .get(pk=pk)
    )


def quote_list(
    *,
    user: User,
    status: str = "",
    opportunity_id: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Quote]:
    qs = quotes_visible(user).select_related("account", "contact", "owner")
    if status:
        qs = qs.filter(status=status)
    if opportunity_id:
        qs = qs.filter(opportunity_id=opportunity_id)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if contact_id:
        qs = qs.filter(contact_id=contact_id)
    if sort not in LIST_SORTS:
        sort = "-created_at"
    return keyset_page(qs, sort=sort, cursor=cursor, limit=max(1, min(limit, 200)))


def quote_versions(quote: Quote) -> list[QuoteVersion]:
    """All versions of a quote the caller already may see, newest first, with their lines."""
    return list(quote.versions.prefetch_related("lines__product", "lines__tax_rate").order_by("-number"))


def quote_version(quote: Quote, number: int | None = None) -> QuoteVersion:
    return quote.versions.get(number=number or quote.current_version)


def version_lines(version: QuoteVersion) -> list[QuoteLine]:
    return list(version.lines.select_related("product", "tax_rate").order_by("position"))


def tax_rates_active() -> QuerySet[TaxRate]:
    return TaxRate.objects.filter(active=True).order_by("-is_default", "pk")


def tax_rate_default() -> TaxRate:
    return tax_rates_active().first() or TaxRate.objects.order_by("pk")[0]


def tax_rates_all(*, active: bool | None = None) -> QuerySet[TaxRate]:
    """Every tax rate (they are not private), the default first, each with `in_use` (quote lines
    use it: one index probe per rate); `active` narrows to active or retired ones. A short list an
    admin keeps, for the API and the admin page."""
    qs = TaxRate.objects.annotate(in_use=Exists(QuoteLine.objects.filter(tax_rate=OuterRef("pk")))).order_by(
        "-is_default", "pk"
    )
    return qs if active is None else qs.filter(active=active)


def tax_rate_get(pk: int) -> TaxRate:
    """One tax rate with `in_use`; DoesNotExist is a 404."""
    return tax_rates_all().get(pk=pk)


def tax_rate_in_use(rate: TaxRate) -> bool:
    return QuoteLine.objects.filter(tax_rate=rate).exists()


def contracts_visible(user: User, *, single: bool = False) -> QuerySet[Contract]:
    return visible(user, Contract.objects.all(), record_type="contract", single=single)


def contract_get(*, user: User, pk: int) -> Contract:
    return (
        contracts_visible(user, single=True)
        .select_related(
            "account", "contact", "quote", "opportunity", "owner", "previous", "reminder", "next_contract"
        )
        .get(pk=pk)
    )


def contract_next(contract: Contract) -> Contract | None:
    """The renewal of `contract` (loaded with it by the selectors above), if any."""
    try:
        return contract.next_contract
    except Contract.DoesNotExist:
        return None


def contract_list(
    *,
    user: User,
    status: str = "",
    account_id: int | None = None,
    contact_id: int | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Contract]:
    qs = contracts_visible(user).select_related("account", "contact", "owner", "next_contract")
    if status:
        qs = qs.filter(status=status)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if contact_id:
        qs = qs.filter(contact_id=contact_id)
    if sort not in LIST_SORTS:
        sort = "-created_at"
    return keyset_page(qs, sort=sort, cursor=cursor, limit=max(1, min(limit, 200)))
