"""The rows of an export, read through the customers selectors in keyset chunks (flat memory).

Each row is a list of cell texts: personal data masked for roles without the PII right (the rule
of `customers.privacy.present_pii`), every cell neutralised. Rows are in id order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connections
from django.db.models import CharField, F, Func, Model, QuerySet
from django.db.models.functions import Cast

from inyeon.core.models import User
from inyeon.core.pii import mask_email, mask_phone
from inyeon.core.visibility import can_see_pii
from inyeon.customers.models import Contact
from inyeon.customers.selectors import account_queryset, contact_queryset, orders_visible
from inyeon.dataio.cells import FORMULA_STARTS, neutralise
from inyeon.dataio.exports.filters import clean_filters, contact_filters
from inyeon.dataio.models import RecordKind

CHUNK = 5000

# Every field the contact import reads, so that an export can be imported again.
CONTACT_HEADER = (
    "external_id",
    "family_name",
    "given_name",
    "display_name",
    "name_order",
    "emails",
    "phones",
    "birth_date",
    "preferred_channel",
    "language",
    "tags",
    "source",
    "job_title",
    "account",
    "notes",
    "lifecycle_stage",
    "owner",
    "created_at",
    "id",
)
ACCOUNT_HEADER = (
    "external_id",
    "name",
    "business_number",
    "industry",
    "website",
    "phone",
    "email",
    "tags",
    "source",
    "owner",
    "created_at",
    "id",
)
ORDER_HEADER = (
    "external_id",
    "number",
    "ordered_at",
    "contact_id",
    "contact",
    "account",
    "currency",
    "total_amount",
    "quantity",
    "channel",
    "status",
    "owner",
    "created_at",
    "id",
)
# Contact columns holding a choice code (never user text), so never a formula: not neutralised.
UNNEUTRALISED = frozenset({"name_order", "preferred_channel", "language", "lifecycle_stage"})
_FORMULA_STARTS = frozenset(FORMULA_STARTS)

HEADERS: dict[str, tuple[str, ...]] = {
    RecordKind.CONTACTS: CONTACT_HEADER,
    RecordKind.ACCOUNTS: ACCOUNT_HEADER,
    RecordKind.ORDERS: ORDER_HEADER,
}

_CONTACT_VALUES = (
    "id",
    "external_id",
    "family_name",
    "given_name",
    "display_name",
    "name_order",
    "primary_email",
    "primary_phone",
    "emails_text",
    "phones_text",
    "tags_text",
    "birth_text",
    "preferred_channel",
    "language",
    "source",
    "job_title",
    "account__name",
    "notes",
    "lifecycle_stage",
    "owner__username",
    "created_text",
)
_ACCOUNT_VALUES = (
    "id",
    "external_id",
    "name",
    "business_number",
    "industry",
    "website",
    "phone",
    "email",
    "source",
    "owner__username",
    "created_text",
)
_ORDER_VALUES = (
    "id",
    "external_id",
    "number",
    "ordered_text",
    "contact_id",
    "contact__display_name",
    "account__name",
    "currency",
    "total_amount",
    "quantity",
    "channel",
    "status",
    "owner__username",
    "created_text",
)


class UtcSecond(Func):
    """A timestamp as UTC to the second, ISO 8601 with Z, formatted by the database (parsing a
    million datetimes in Python costs seconds)."""

    output_field = CharField()
    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Stored in UTC; %%%% survives the template's and the backend's formatting as one %.
        template = "strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%SZ', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


def export_queryset(kind: str, *, user: User, filters: dict[str, Any]) -> QuerySet[Any]:
    """The list's queryset as `user` sees it with `filters`: the rows the export writes."""
    if kind == RecordKind.CONTACTS:
        return contact_queryset(user=user, filters=contact_filters(filters))
    clean = clean_filters(kind, filters)
    if kind == RecordKind.ACCOUNTS:
        return account_queryset(user=user, q=clean.get("q", ""), owner_id=clean.get("owner_id"))
    qs = orders_visible(user)
    if clean.get("contact_id"):
        qs = qs.filter(contact_id=clean["contact_id"])
    if clean.get("account_id"):
        qs = qs.filter(account_id=clean["account_id"])
    return qs


def _chunks(
    qs: QuerySet[Any], fields: tuple[str, ...]
) -> Iterator[tuple[list[tuple[Any, ...]], QuerySet[Any]]]:
    """Rows of `qs` in id order, `CHUNK` at a time, each with a sub-query of the chunk's ids."""
    last = 0
    while True:
        page = qs.filter(pk__gt=last).order_by("pk").annotate(created_text=UtcSecond(F("created_at")))
        if "ordered_text" in fields:
            page = page.annotate(ordered_text=UtcSecond(F("ordered_at")))
        chunk = list(page.values_list(*fields)[:CHUNK])
        if not chunk:
            return
        # The chunk's ids as a sub-query: a list of 5,000 parameters costs Django more to build.
        yield chunk, page.values("pk")[:CHUNK]
        last = chunk[-1][0]


def _raw_chunks(qs: QuerySet[Any], fields: tuple[str, ...], **annotations: Any) -> Iterator[list[Any]]:
    """Rows of `qs` in id order, `CHUNK` at a time, as the database driver gives them: without
    Django's per-value converters, which cost seconds per million rows (every value is text)."""
    connection = connections[qs.db]
    last = 0
    while True:
        page = (
            qs.filter(pk__gt=last)
            .order_by("pk")
            .annotate(created_text=UtcSecond(F("created_at")), **annotations)
        )
        sql, params = page.values_list(*fields)[:CHUNK].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            chunk = cursor.fetchall()
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _tags(through: type[Model], owner: str, ids: QuerySet[Any]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        through._default_manager.filter(**{f"{owner}_id__in": ids})
        .order_by(f"{owner}_id", "tag__name")
        .values_list(f"{owner}_id", "tag__name")
    )
    for record_id, name in rows:
        out[record_id].append(name)
    return out


def _masked_list(text: str, primary: str, mask: Callable[[str], str]) -> str:
    """`mask` of each ";"-separated value of `text`, or of `primary` when `text` is empty (as
    `pgcopy._masked_list`)."""
    if not text:
        return mask(primary)
    return ";".join([mask(v) for v in text.split(";")]) if ";" in text else mask(text)


def contact_rows(qs: QuerySet[Contact], *, masked: bool) -> Iterator[list[str]]:
    starts = _FORMULA_STARTS
    for chunk in _raw_chunks(qs, _CONTACT_VALUES, birth_text=Cast("birth_date", CharField())):
        for (
            pk,
            external_id,
            family_name,
            given_name,
            display_name,
            name_order,
            primary_email,
            primary_phone,
            emails_text,
            phones_text,
            tags_text,
            birth,
            preferred_channel,
            language,
            source,
            job_title,
            account,
            notes,
            stage,
            owner,
            created_at,
        ) in chunk:
            # The ready-joined channel text (`customers.channels`); a contact without channel rows
            # (written outside the services) has its primary e-mail and phone.
            if masked:
                mails = _masked_list(emails_text, primary_email, mask_email)
                numbers = _masked_list(phones_text, primary_phone, mask_phone)
                birth = f"{int(birth[:4])}-**-**" if birth else ""  # core.pii.mask_birth_date
            else:
                mails = emails_text or primary_email
                numbers = phones_text or primary_phone
                birth = birth or ""
            # Every text is neutralised (dataio.cells.neutralise, inlined for a million rows) but
            # the choice codes, which never start with a formula character (pgcopy leaves them).
            row = [
                "'" + t if t[:1] in starts else t
                for t in (
                    external_id,
                    family_name,
                    given_name,
                    display_name,
                    name_order,
                    mails,
                    numbers,
                    birth,
                    preferred_channel,
                    language,
                    tags_text,
                    source,
                    job_title,
                    account or "",
                    notes,
                    stage,
                    owner,
                    created_at,
                )
            ]
            row[4], row[8], row[9], row[15] = name_order, preferred_channel, language, stage
            row.append(str(pk))
            yield row


def account_rows(qs: QuerySet[Any]) -> Iterator[list[str]]:
    from inyeon.customers.models import Account

    for chunk, ids in _chunks(qs, _ACCOUNT_VALUES):
        tags = _tags(Account.tags.through, "account", ids)
        for pk, external_id, name, number, industry, website, phone, email, source, owner, created in chunk:
            cells = (external_id, name, number, industry, website, phone, email, ";".join(tags.get(pk, ())))
            yield [neutralise(v) for v in (*cells, source, owner, created, pk)]


def order_rows(qs: QuerySet[Any]) -> Iterator[list[str]]:
    for chunk, _ids in _chunks(qs, _ORDER_VALUES):
        for pk, external_id, number, ordered_at, *middle, owner, created_at in chunk:
            yield [
                neutralise(v)
                for v in (
                    external_id,
                    number,
                    ordered_at,
                    *middle,
                    owner,
                    created_at,
                    pk,
                )
            ]


def export_rows(kind: str, *, user: User, filters: dict[str, Any]) -> Iterator[list[str]]:
    """The cells of every row (no header) of the `kind` list as `user` sees it."""
    qs = export_queryset(kind, user=user, filters=filters)
    if kind == RecordKind.CONTACTS:
        return contact_rows(qs, masked=not can_see_pii(user))
    if kind == RecordKind.ACCOUNTS:
        return account_rows(qs)
    return order_rows(qs)
