"""Every read of the catalogue, its price lists and configurator, and pricing (`price_for`).

Everybody signed in reads the catalogue (`core.visibility.catalogue_visible`). `price_for` is what
quotes call to price a (configured) product for a customer: it takes a product and a contact the
caller has already fetched through a visibility selector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inyeon.analytics.models import CustomerScore
from inyeon.catalog import rules
from inyeon.catalog.models import (
    Option,
    OptionGroup,
    OptionRule,
    PriceList,
    PriceListItem,
    ProductImage,
    RuleKind,
    SegmentKind,
)
from inyeon.core.hangul import is_chosung_query, prefix_upper_bound, search_key
from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_page
from inyeon.core.visibility import can_read_catalogue, catalogue_visible
from inyeon.customers.models import Contact, Product

CATEGORIES_CACHE_KEY = "catalog:categories"
PRICE_LIST_SORTS = {"-valid_from", "valid_from"}


def local_name(obj: object) -> str:
    """The English name for English users when there is one, else the Korean name."""
    name_en = str(getattr(obj, "name_en", "") or "")
    if name_en and (get_language() or "ko").startswith("en"):
        return name_en
    return str(getattr(obj, "name_ko", ""))


# --- products ----------------------------------------------------------------------------------


def products_visible(user: User | None) -> QuerySet[Product]:
    return catalogue_visible(user, Product.objects.all())


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category: str = ""
    active: bool | None = None


def _prefix(name: str, key: str) -> Q:
    # A range instead of LIKE so that SQLite and PostgreSQL both use the index.
    return Q(**{f"{name}__gte": key, f"{name}__lt": prefix_upper_bound(key)})


def product_search_q(text: str) -> Q:
    """Code prefix (as typed or upper-cased), Korean or English name prefix, or 초성 of the name."""
    query = text.strip()
    if not query:
        return Q()
    if is_chosung_query(query):
        return _prefix("name_initials", query.replace(" ", ""))
    key = search_key(query)
    found = _prefix("code", query) | _prefix("code", query.upper())
    if key:
        found |= _prefix("search_name", key) | _prefix("search_name_en", key)
    return found


def product_queryset(*, user: User, filters: ProductFilters) -> QuerySet[Product]:
    qs = products_visible(user)
    if filters.q.strip():
        qs = qs.filter(product_search_q(filters.q))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return qs


def product_list(
    *, user: User, filters: ProductFilters, cursor: str | None = None, limit: int = 50
) -> Page[Product]:
    """One page of the catalogue ordered by code (keyset: no COUNT, an index range per page)."""
    qs = product_queryset(user=user, filters=filters).defer("description_ko", "description_en", "specs")
    return keyset_page(qs, sort="code", cursor=cursor, limit=max(1, min(limit, 200)))


def product_get(*, user: User, pk: int) -> Product:
    """The product with its images, option groups, options and rules; `Product.DoesNotExist` when
    there is none or the user is not signed in."""
    return (
        products_visible(user)
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch(
                "option_groups",
                queryset=OptionGroup.objects.order_by("position", "id").prefetch_related(
                    Prefetch(
                        "options",
                        queryset=Option.objects.order_by("position", "id").prefetch_related("prices"),
                    )
                ),
            ),
            Prefetch(
                "option_rules", queryset=OptionRule.objects.select_related("option", "target").order_by("id")
            ),
        )
        .get(pk=pk)
    )


def categories(user: User) -> list[str]:
    """The categories in use, for the list filter (cached: a DISTINCT over the whole catalogue)."""
    if not can_read_catalogue(user):
        return []
    found = cache.get(CATEGORIES_CACHE_KEY)
    if found is None:
        found = sorted(
            c for c in Product.objects.order_by().values_list("category", flat=True).distinct() if c
        )
        cache.set(CATEGORIES_CACHE_KEY, found, 300)
    return list(found)


def image_get(*, user: User, pk: int) -> ProductImage:
    return catalogue_visible(user, ProductImage.objects.all()).select_related("product").get(pk=pk)


# --- price lists -------------------------------------------------------------------------------


def price_lists_visible(user: User | None) -> QuerySet[PriceList]:
    return catalogue_visible(user, PriceList.objects.all())


@dataclass(frozen=True)
class PriceListFilters:
    currency: str = ""
    segment_kind: str = ""
    valid_on: dt.date | None = None


def price_list_list(
    *, user: User, filters: PriceListFilters, cursor: str | None = None, limit: int = 50
) -> Page[PriceList]:
    qs = price_lists_visible(user)
    if filters.currency:
        qs = qs.filter(currency=filters.currency.upper())
    if filters.segment_kind:
        qs = qs.filter(segment_kind=filters.segment_kind)
    if filters.valid_on:
        qs = qs.filter(valid_from__lte=filters.valid_on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=filters.valid_on)
        )
    return keyset_page(qs, sort="-valid_from", cursor=cursor, limit=max(1, min(limit, 200)))


def price_list_get(*, user: User, pk: int) -> PriceList:
    return price_lists_visible(user).get(pk=pk)


def price_list_items(
    *, price_list: PriceList, cursor: str | None = None, limit: int = 100
) -> Page[PriceListItem]:
    qs = PriceListItem.objects.filter(price_list=price_list).select_related("product")
    return keyset_page(qs, sort="id", cursor=cursor, limit=max(1, min(limit, 500)))


def product_price_items(*, user: User, product: Product, limit: int = 100) -> list[PriceListItem]:
    """The product's prices in every list, newest validity first (for the product page)."""
    qs = catalogue_visible(user, PriceListItem.objects.filter(product=product)).select_related("price_list")
    return list(qs.order_by("price_list__currency", "-price_list__valid_from", "price_list_id")[:limit])


# --- pricing and the configurator --------------------------------------------------------------


@dataclass(frozen=True)
class Adjustment:
    option: Option
    amount: int


@dataclass(frozen=True)
class Price:
    """A unit price for one customer: the base (a price list's or the product's list price) plus
    the chosen options' adjustments, in minor units of `currency`."""

    unit_price: int
    base_price: int
    currency: str
    source: str  # "price_list" or "list_price"
    price_list: PriceList | None = None
    adjustments: tuple[Adjustment, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BrokenRule:
    kind: str
    message: str
    option: Option | None = None
    target: Option | None = None
    group: OptionGroup | None = None


class ConfigurationError(ValidationError):
    """The chosen options break the product's rules; `broken` names each broken rule."""

    def __init__(self, broken: Sequence[BrokenRule]) -> None:
        super().__init__({"options": [b.message for b in broken]})
        self.broken = list(broken)


@dataclass(frozen=True)
class Segments:
    value_tier: str = ""
    rfm_segment: str = ""


def segments_of(contact: Contact | None) -> Segments:
    """The contact's value tier and RFM segment as analytics last scored them."""
    if contact is None:
        return Segments()
    row = CustomerScore.objects.filter(contact_id=contact.pk).values_list("value_tier", "segment").first()
    return Segments(value_tier=row[0], rfm_segment=row[1]) if row else Segments()


# A tie in price goes to the more specific list.
_SPECIFICITY = {SegmentKind.RFM_SEGMENT: 0, SegmentKind.VALUE_TIER: 1, SegmentKind.EVERYONE: 2}


def applicable_item(
    *, product: Product, currency: str, segments: Segments, on: dt.date
) -> PriceListItem | None:
    """The lowest price among the lists valid on `on` in `currency` that are for everyone or for
    the contact's value tier or RFM segment (ties: the more specific list)."""
    reach = Q(price_list__segment_kind=SegmentKind.EVERYONE)
    if segments.value_tier:
        reach |= Q(price_list__segment_kind=SegmentKind.VALUE_TIER, price_list__segment=segments.value_tier)
    if segments.rfm_segment:
        reach |= Q(price_list__segment_kind=SegmentKind.RFM_SEGMENT, price_list__segment=segments.rfm_segment)
    candidates = list(
        PriceListItem.objects.filter(
            reach,
            product=product,
            price_list__currency=currency,
            price_list__valid_from__lte=on,
        )
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=on))
        .select_related("price_list")
    )
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda i: (i.price, _SPECIFICITY[SegmentKind(i.price_list.segment_kind)], i.price_list_id),
    )


@dataclass(frozen=True)
class Configurator:
    groups: list[OptionGroup]
    rules: list[OptionRule]
    options: dict[int, Option]


def configurator_of(product: Product) -> Configurator:
    """The product's groups (with options and their prices) and rules; uses what `product_get`
    prefetched, else loads them in four queries."""
    prefetched = getattr(product, "_prefetched_objects_cache", {})
    if "option_groups" in prefetched:
        groups = list(product.option_groups.all())
    else:
        groups = list(
            OptionGroup.objects.filter(product=product)
            .order_by("position", "id")
            .prefetch_related(
                Prefetch(
                    "options", queryset=Option.objects.order_by("position", "id").prefetch_related("prices")
                )
            )
        )
    if "option_rules" in prefetched:
        rule_rows = list(product.option_rules.all())
    else:
        rule_rows = list(
            OptionRule.objects.filter(product=product).select_related("option", "target").order_by("id")
        )
    options = {o.pk: o for g in groups for o in g.options.all()}
    return Configurator(groups=groups, rules=rule_rows, options=options)


def _rule_message(b: rules.Broken, config: Configurator, groups: dict[int, OptionGroup]) -> BrokenRule:
    if b.kind in ("requires", "excludes"):
        option = config.options[b.option_id or 0]
        target = config.options[b.target_id or 0]
        names = {"option": local_name(option), "target": local_name(target)}
        text = (
            _("Option %(option)s requires option %(target)s.") % names
            if b.kind == RuleKind.REQUIRES
            else _("Option %(option)s excludes option %(target)s.") % names
        )
        return BrokenRule(kind=b.kind, message=text, option=option, target=target)
    group = groups[b.group_id or 0]
    if b.kind == "single_group":
        text = _("Choose only one option in group %(group)s.") % {"group": local_name(group)}
    elif group.choice == "multiple":
        text = _("Choose at least one option in group %(group)s.") % {"group": local_name(group)}
    else:
        text = _("Choose one option in group %(group)s.") % {"group": local_name(group)}
    return BrokenRule(kind=b.kind, message=text, group=group)


def resolve_options(
    product: Product, chosen: Iterable[Option | int | str], config: Configurator
) -> list[Option]:
    """The product's options named by instance, id or code; an unknown one is a field error."""
    by_code = {o.code: o for o in config.options.values()}
    out: list[Option] = []
    unknown: list[str] = []
    for item in chosen:
        if isinstance(item, Option):
            option = config.options.get(item.pk)
        elif isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            option = config.options.get(int(item))
        else:
            option = by_code.get(str(item))
        if option is None:
            unknown.append(str(item.pk if isinstance(item, Option) else item))
        elif option not in out:
            out.append(option)
    if unknown:
        raise ValidationError(
            {"options": [_("No such option for this product: %(ids)s.") % {"ids": ", ".join(unknown)}]}
        )
    return out


def check_configuration(
    product: Product, chosen: Sequence[Option], config: Configurator | None = None
) -> None:
    """Raise `ConfigurationError` naming every rule the chosen options break."""
    config = config or configurator_of(product)
    groups = {g.pk: g for g in config.groups}
    plain_groups = [
        rules.Group(
            id=g.pk,
            single=g.choice == "single",
            required=g.required,
            option_ids=tuple(o.pk for o in g.options.all()),
        )
        for g in config.groups
    ]
    plain_rules = [
        rules.Rule(kind=r.kind, option_id=r.option_id, target_id=r.target_id) for r in config.rules
    ]
    broken = rules.broken_rules([o.pk for o in chosen], plain_groups, plain_rules)
    if broken:
        raise ConfigurationError([_rule_message(b, config, groups) for b in broken])


def _adjustment(option: Option, product: Product, currency: str) -> int | None:
    for row in option.prices.all():
        if row.currency == currency:
            return row.amount
    if currency == product.currency or option.price_adjustment == 0:
        return option.price_adjustment
    return None


def price_for(
    *,
    product: Product,
    currency: str,
    contact: Contact | None = None,
    on: dt.date | None = None,
    options: Iterable[Option | int | str] = (),
) -> Price:
    """The unit price of `product` (configured with `options`) for `contact` on `on` in `currency`.

    The base is the lowest price of the applicable price lists (see `applicable_item`), else the
    product's list price when `currency` is the product's own; otherwise there is no price (a
    ValidationError on `currency`). Options are checked against the product's rules first
    (`ConfigurationError` names each broken rule); their adjustments are added to the base.
    """
    currency = (currency or product.currency).upper()
    on = on or timezone.localdate()
    config = configurator_of(product)
    chosen = resolve_options(product, options, config)
    check_configuration(product, chosen, config)
    item = applicable_item(product=product, currency=currency, segments=segments_of(contact), on=on)
    if item is not None:
        base, source, price_list = item.price, "price_list", item.price_list
    elif currency == product.currency:
        base, source, price_list = product.unit_price, "list_price", None
    else:
        raise ValidationError(
            {
                "currency": [
                    _("%(product)s has no price in %(currency)s on %(date)s.")
                    % {"product": product.code, "currency": currency, "date": on.isoformat()}
                ]
            }
        )
    adjustments: list[Adjustment] = []
    missing: list[str] = []
    for option in chosen:
        amount = _adjustment(option, product, currency)
        if amount is None:
            missing.append(local_name(option))
        else:
            adjustments.append(Adjustment(option=option, amount=amount))
    if missing:
        raise ValidationError(
            {
                "options": [
                    _("These options have no price in %(currency)s: %(options)s.")
                    % {"currency": currency, "options": ", ".join(missing)}
                ]
            }
        )
    return Price(
        unit_price=base + sum(a.amount for a in adjustments),
        base_price=base,
        currency=currency,
        source=source,
        price_list=price_list,
        adjustments=tuple(adjustments),
    )
