"""Every read of customer records that a user can reach, scoped by `core.visibility`.

Views, the API, search, exports and jobs all read through these functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import JSONField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from inyeon.core.audit import Access, log_read
from inyeon.core.hangul import is_chosung_query, prefix_upper_bound, search_key
from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_after, keyset_page, keyset_queryset, keyset_result
from inyeon.core.phones import phone_search_digits
from inyeon.core.prepared import PreparedRead, PreparedRows
from inyeon.core.visibility import can_see_pii, has_shares, visibility_key, visible
from inyeon.customers.choices import ConsentChannel, ConsentStatus
from inyeon.customers.models import (
    Account,
    Activity,
    Address,
    ConsentRecord,
    Contact,
    ContactEmail,
    ContactPhone,
    Order,
    Product,
    StageChange,
)

# Sorts by a score (written by the analytics scoring job) list only contacts that have been scored.
SCORE_SORT_FIELDS = (
    "clv_12m",
    "customer_equity",
    "p_alive",
    "expected_purchases_90d",
    "monetary",
    "frequency",
    "recency_days",
    "r_score",
    "f_score",
    "m_score",
)
CONTACT_SORTS = {"created_at", "-created_at", "updated_at", "-updated_at", "search_name", "-search_name"} | {
    f"{sign}score.{name}" for name in SCORE_SORT_FIELDS for sign in ("", "-")
}
ACCOUNT_SORTS = {"created_at", "-created_at", "search_name", "-search_name"}
ORDER_SORTS = {"ordered_at", "-ordered_at"}


def contacts_visible(user: User, *, single: bool = False, shared: bool | None = None) -> QuerySet[Contact]:
    return visible(user, Contact.objects.all(), record_type="contact", single=single, shared=shared)


def accounts_visible(user: User) -> QuerySet[Account]:
    return visible(user, Account.objects.all(), record_type="account")


def orders_visible(user: User) -> QuerySet[Order]:
    return visible(user, Order.objects.all(), record_type="order")


def activities_visible(user: User) -> QuerySet[Activity]:
    return visible(user, Activity.objects.all(), record_type="activity")


def _prefix(field: str, key: str) -> Q:
    # A range instead of LIKE/startswith so that SQLite and PostgreSQL both use the index.
    return Q(**{f"{field}__gte": key, f"{field}__lt": prefix_upper_bound(key)})


def contact_search_q(text: str, *, personal_data: bool = True) -> Q:
    """Name (Hangul-aware, 초성), e-mail or phone prefix search.

    Without `personal_data` (roles that see it masked) only names are searched: a search by
    e-mail or phone would tell them whose address or number it is.
    """
    query = text.strip()
    if not query:
        return Q()
    if is_chosung_query(query):
        return _prefix("name_initials", query.replace(" ", ""))
    if not personal_data:
        key = search_key(query)
        return _prefix("search_name", key) | _prefix("search_given", key)
    if "@" in query:
        key = query.lower()
        return _prefix("primary_email", key) | Q(
            pk__in=ContactEmail.objects.filter(_prefix("email", key)).values("contact_id")
        )
    digits = phone_search_digits(query)
    if (
        digits
        and len(digits) >= 4
        and sum(c.isdigit() for c in query) >= len(query.replace("-", "").replace(" ", "").replace("+", ""))
    ):
        key = "+" + digits
        return _prefix("primary_phone", key) | Q(
            pk__in=ContactPhone.objects.filter(_prefix("number", key)).values("contact_id")
        )
    key = search_key(query)
    return (
        _prefix("search_name", key) | _prefix("search_given", key) | _prefix("primary_email", query.lower())
    )


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    lifecycle_stage: str = ""
    owner_id: int | None = None
    team_id: int | None = None
    account_id: int | None = None
    tag: str = ""
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    segment: str = ""
    value_tier: str = ""
    r_score: int | None = None
    f_score: int | None = None
    m_score: int | None = None
    p_alive_min: float | None = None
    p_alive_max: float | None = None


def contact_queryset(*, user: User, filters: ContactFilters, shared: bool | None = None) -> QuerySet[Contact]:
    qs = contacts_visible(user, shared=shared)
    if filters.q:
        qs = qs.filter(contact_search_q(filters.q, personal_data=can_see_pii(user)))
    if filters.lifecycle_stage:
        qs = qs.filter(lifecycle_stage=filters.lifecycle_stage)
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.account_id:
        qs = qs.filter(account_id=filters.account_id)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.created_after:
        qs = qs.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        qs = qs.filter(created_at__date__lte=filters.created_before)
    score_filters = {
        "score__segment": filters.segment or None,
        "score__value_tier": filters.value_tier or None,
        "score__r_score": filters.r_score,
        "score__f_score": filters.f_score,
        "score__m_score": filters.m_score,
        "score__p_alive__gte": filters.p_alive_min,
        "score__p_alive__lte": filters.p_alive_max,
    }
    chosen = {k: v for k, v in score_filters.items() if v is not None}
    if chosen:
        qs = qs.filter(**chosen)
    return qs


_FILTER_FIELDS = dataclasses.fields(ContactFilters)
_CONTACT_PAGE: PreparedRead[Contact] = PreparedRead("contact_list")
_CONTACT_ROWS = PreparedRows("contact_rows")


def _contact_page(
    *,
    user: User,
    filters: ContactFilters,
    sort: str,
    cursor: str | None,
    limit: int,
    narrowed: Callable[[QuerySet[Contact], str], QuerySet[Any, Any]],
    reader: PreparedRead[Contact] | PreparedRows,
    shape: Hashable,
    access: Access | None = None,
) -> Page[Any]:
    """One keyset page of the contacts `user` may see; `narrowed(queryset, sort path)` says what
    is fetched of each (instances or rows), `shape` everything else that changes its SQL. With
    `access`, its access-log row is written for the page's contacts as well."""
    if sort not in CONTACT_SORTS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"sort": _("Sort by one of: %(s)s.") % {"s": ", ".join(sorted(CONTACT_SORTS))}})
    path = sort.replace("score.", "score__")
    limit = max(1, min(limit, 200))
    after = keyset_after(Contact, sort=path, cursor=cursor)
    shared = has_shares(user, "contact")
    given = ((f.name, getattr(filters, f.name)) for f in _FILTER_FIELDS)  # asdict() deep-copies: slower
    chosen = [(name, value) for name, value in given if value not in ("", None)]
    values = [value for name, value in chosen] + list(after or ())
    names = tuple(name for name, value in chosen)
    key = (visibility_key(user), shared, names, path, bool(after), limit, shape)

    def build(given: Sequence[Any]) -> QuerySet[Any, Any]:
        some = ContactFilters(**{name: given[i] for i, name in enumerate(names)})
        qs = narrowed(contact_queryset(user=user, filters=some, shared=shared), path)
        rest = given[len(chosen) :]
        return keyset_queryset(qs, sort=path, after=(rest[0], rest[1]) if rest else None, limit=limit)

    shown = None if access is None else dataclasses.replace(access, first=limit)
    # A search text decides the shape of the query (name, 초성, e-mail or phone), not just a value.
    if filters.q:
        rows = list(build(values))
        if shown is not None:
            log_read(shown, rows)
    else:
        rows = reader.fetch(key, build, values, access=shown)
    return keyset_result(rows, sort=path, limit=limit)


def contact_list(
    *,
    user: User,
    filters: ContactFilters,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
    related: tuple[str, ...] = ("account", "owner", "score"),
    only: tuple[str, ...] = (),
) -> Page[Contact]:
    """A keyset page; `related` names the joined rows the caller reads (each join costs) and
    `only`, when given, the contact's fields it reads (the others are not fetched at all).

    Without a search text the page's SQL is compiled once per user, filter set, sort and page
    size (core.prepared)."""

    def narrowed(qs: QuerySet[Contact], path: str) -> QuerySet[Contact]:
        qs = qs.select_related(*related)
        if not only:
            return qs
        return qs.only(*only, *related, *([] if "__" in path else [path.lstrip("-")]))

    return _contact_page(
        user=user,
        filters=filters,
        sort=sort,
        cursor=cursor,
        limit=limit,
        narrowed=narrowed,
        reader=_CONTACT_PAGE,
        shape=(related, only),
    )


def contact_rows(
    *,
    user: User,
    filters: ContactFilters,
    fields: tuple[str, ...],
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
    access: Access | None = None,
) -> Page[dict[str, Any]]:
    """The same page as `contact_list`, as dicts of `fields` (paths such as `score__clv_12m`
    join) instead of model instances: the API's list, its most frequent read, builds no models.
    Each row also holds `id` and the sort value. With `access` (`privacy.pii_access`; `fields`
    must then hold its `shown_when`), its access-log row is written for the page as well."""

    def narrowed(qs: QuerySet[Contact], path: str) -> QuerySet[Any, dict[str, Any]]:
        sort_field = [] if "__" in path else [path.lstrip("-")]
        return qs.values(*dict.fromkeys(("id", *fields, *sort_field)))

    return _contact_page(
        user=user,
        filters=filters,
        sort=sort,
        cursor=cursor,
        limit=limit,
        narrowed=narrowed,
        reader=_CONTACT_ROWS,
        shape=fields,
        access=access,
    )


_ADDRESSES: PreparedRead[Address] = PreparedRead("contact_addresses")


def contact_addresses(contact: Contact) -> list[Address]:
    """The addresses of a contact the caller was already allowed to see (by `contact_get`)."""
    return _ADDRESSES.fetch(
        (), lambda values: Address.objects.filter(contact_id=values[0]).order_by("id"), [contact.pk]
    )


_CONTACT_BY_ID: PreparedRead[Contact] = PreparedRead("contact_get", server_plan=True)


def _address_parts(vendor: str) -> RawSQL | None:
    """A contact's addresses as one JSON list of their `Address.LINE_PARTS`, in id order, read in
    the same query as the contact (`contact_get` sets it as `address_parts`): the API detail,
    the most frequent read after the list, then makes one query less. None where no SQL is known
    (the addresses are then read by `contact_addresses`)."""
    address, contact = Address._meta.db_table, Contact._meta.db_table
    parts = ", ".join(f"a.{name}" for name in Address.LINE_PARTS)
    if vendor == "postgresql":
        sql = (
            f"SELECT COALESCE(jsonb_agg(jsonb_build_array({parts}) ORDER BY a.id), '[]'::jsonb) "  # noqa: S608
            f'FROM {address} a WHERE a.contact_id = "{contact}"."id"'
        )
    elif vendor == "sqlite":
        sql = (
            f"SELECT json_group_array(json_array({parts})) "  # noqa: S608
            f'FROM (SELECT * FROM {address} a WHERE a.contact_id = "{contact}"."id" ORDER BY a.id) a'
        )
    else:
        return None
    return RawSQL(sql, (), output_field=JSONField())  # noqa: S611 (no values; names from the models)


def contact_get(*, user: User, pk: int, access: Access | None = None) -> Contact:
    """The contact if `user` may see it; `Contact.DoesNotExist` otherwise (a 404, never a 403).
    With `access` (`privacy.pii_access`), the access-log row for showing it is written as well,
    on PostgreSQL in the read's own statement.

    The API's hottest read: its SQL is compiled once per user and process (core.prepared)."""

    def build(values: Sequence[int]) -> QuerySet[Contact]:
        qs = contacts_visible(user, single=True).select_related("account", "score").filter(pk=values[0])
        parts = _address_parts(connection.vendor)
        return qs if parts is None else qs.annotate(address_parts=parts)

    found = _CONTACT_BY_ID.fetch(visibility_key(user), build, [pk], access=access)
    if not found:
        raise Contact.DoesNotExist(f"No contact {pk} visible to this user.")
    return found[0]


def account_queryset(*, user: User, q: str = "", owner_id: int | None = None) -> QuerySet[Account]:
    qs = accounts_visible(user)
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            _prefix("name_initials", text.replace(" ", ""))
            if is_chosung_query(text)
            else _prefix("search_name", search_key(text))
        )
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs


def account_list(
    *,
    user: User,
    q: str = "",
    owner_id: int | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Account]:
    if sort not in ACCOUNT_SORTS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"sort": _("Sort by one of: %(s)s.") % {"s": ", ".join(sorted(ACCOUNT_SORTS))}})
    qs = account_queryset(user=user, q=q, owner_id=owner_id).select_related("owner")
    return keyset_page(qs, sort=sort, cursor=cursor, limit=max(1, min(limit, 200)))


def account_get(*, user: User, pk: int) -> Account:
    return accounts_visible(user).select_related("owner", "team").get(pk=pk)


def order_list(
    *,
    user: User,
    contact_id: int | None = None,
    account_id: int | None = None,
    sort: str = "-ordered_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Order]:
    qs = orders_visible(user).select_related("contact", "account")
    if contact_id:
        qs = qs.filter(contact_id=contact_id)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if sort not in ORDER_SORTS:
        sort = "-ordered_at"
    return keyset_page(qs, sort=sort, cursor=cursor, limit=max(1, min(limit, 200)))


def order_get(*, user: User, pk: int) -> Order:
    return orders_visible(user).prefetch_related("lines__product").get(pk=pk)


def activity_list(
    *,
    user: User,
    contact_id: int | None = None,
    account_id: int | None = None,
    open_tasks: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Activity]:
    qs = activities_visible(user)
    if contact_id:
        qs = qs.filter(contact_id=contact_id)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if open_tasks:
        qs = qs.filter(kind="task", done_at__isnull=True)
    return keyset_page(qs, sort="-occurred_at", cursor=cursor, limit=max(1, min(limit, 200)))


def activity_get(*, user: User, pk: int) -> Activity:
    return activities_visible(user).get(pk=pk)


def product_list(*, active_only: bool = False) -> QuerySet[Product]:
    qs = Product.objects.all()
    return qs.filter(active=True) if active_only else qs


def consent_state(contact: Contact) -> dict[str, ConsentRecord | None]:
    """The latest consent record per channel (None: never asked, which means no consent)."""
    latest: dict[str, ConsentRecord | None] = dict.fromkeys(ConsentChannel.values)
    for record in contact.consents.order_by("-recorded_at", "-id"):
        if latest.get(record.channel) is None:
            latest[record.channel] = record
    return latest


def has_consent(contact: Contact, channel: str) -> bool:
    record = consent_state(contact).get(channel)
    return record is not None and record.status == ConsentStatus.GRANTED


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # activity kind, "order", "consent" or "stage"
    title: str
    detail: str
    obj: Any


def _timeline_entries(
    contact_ids: list[int], account_id: int | None, user: User, limit: int
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    activity_q = Q(contact_id__in=contact_ids)
    order_q = Q(contact_id__in=contact_ids)
    if account_id is not None:
        activity_q |= Q(account_id=account_id)
        order_q |= Q(account_id=account_id)
    for a in activities_visible(user).filter(activity_q).order_by("-occurred_at")[:limit]:
        entries.append(TimelineEntry(a.occurred_at, a.kind, a.subject, a.body, a))
    for o in orders_visible(user).filter(order_q).order_by("-ordered_at")[:limit]:
        entries.append(TimelineEntry(o.ordered_at, "order", o.number or f"#{o.pk}", "", o))
    for c in ConsentRecord.objects.filter(contact_id__in=contact_ids).order_by("-recorded_at")[:limit]:
        entries.append(TimelineEntry(c.recorded_at, "consent", c.get_channel_display(), c.purpose, c))
    for s in StageChange.objects.filter(contact_id__in=contact_ids).order_by("-changed_at")[:limit]:
        entries.append(TimelineEntry(s.changed_at, "stage", s.get_to_stage_display(), s.reason, s))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def contact_timeline(*, user: User, contact: Contact, limit: int = 100) -> list[TimelineEntry]:
    """Activities, orders, consent changes and stage changes of one contact, newest first."""
    return _timeline_entries([contact.pk], None, user, limit)


def account_timeline(*, user: User, account: Account, limit: int = 100) -> list[TimelineEntry]:
    contact_ids = list(contacts_visible(user).filter(account=account).values_list("pk", flat=True)[:500])
    return _timeline_entries(contact_ids, account.pk, user, limit)
