"""Keyset (cursor) pagination: stable, index-friendly, no COUNT(*) on the hot path."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

T = TypeVar("T", bound=models.Model)
I = TypeVar("I")  # noqa: E741 (an item: a model instance, or a row of a `values()` queryset)


@dataclass(frozen=True)
class Page(Generic[I]):
    items: list[I]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime | dt.date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"cursor": _("The cursor is not valid; start from the first page.")}) from None
    if not isinstance(values, list) or len(values) != 2:
        raise ValidationError({"cursor": _("The cursor is not valid; start from the first page.")})
    return values


def keyset_page(queryset: models.QuerySet[T], *, sort: str, cursor: str | None, limit: int) -> Page[T]:
    """One page of `queryset` ordered by `sort` (a field or a related path such as `score__clv_12m`,
    '-' for descending) then id.

    The sort value must not be null (a related path therefore keeps only rows that have it).
    Datetimes are compared in ISO form after parsing.
    """
    after = keyset_after(queryset.model, sort=sort, cursor=cursor)
    rows = list(keyset_queryset(queryset, sort=sort, after=after, limit=limit))
    return keyset_result(rows, sort=sort, limit=limit)


def _key(sort: str) -> str:
    field = sort.lstrip("-")
    # A related value is sorted on through an alias so that the page's last row can name it.
    return "sort_key" if "__" in field else field


def keyset_after(model: type[models.Model], *, sort: str, cursor: str | None) -> tuple[Any, int] | None:
    """The (sort value, id) of the row the cursor points after, typed for the query."""
    if not cursor:
        return None
    value, last_id = _decode(cursor)
    field = sort.lstrip("-")
    if _key(sort) == field:
        model_field = model._meta.get_field(field)
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
    return value, last_id


def keyset_queryset(
    queryset: models.QuerySet[T], *, sort: str, after: tuple[Any, Any] | None, limit: int
) -> models.QuerySet[T]:
    """The rows of one page, plus one to tell whether another page follows."""
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    key = _key(sort)
    if key != field:
        queryset = cast(
            "models.QuerySet[T]",
            queryset.filter(**{f"{field}__isnull": False}).annotate(sort_key=models.F(field)),
        )
    if after is not None:
        value, last_id = after
        op = "lt" if descending else "gt"
        queryset = queryset.filter(Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"id__{op}": last_id}))
    order = [f"-{key}" if descending else key, "-id" if descending else "id"]
    return queryset.order_by(*order)[: limit + 1]


def keyset_result(rows: list[I], *, sort: str, limit: int) -> Page[I]:
    """The page of `rows` (model instances, or dicts of a `values()` queryset naming the sort
    field and `id`) fetched by `keyset_queryset`."""
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last: Any = rows[-1]
        key = _key(sort)
        if isinstance(last, dict):
            next_cursor = _encode([last[key], last["id"]])
        else:
            next_cursor = _encode([getattr(last, key), last.pk])
    return Page(items=rows, next_cursor=next_cursor)
