"""Cleaning a chunk of contact rows by whole columns (Polars) where the rows are in the common
shapes, for the worker processes of a large import. Every row in another shape, and every bad
row, goes through the per-row cleaner (`clean.clean_contact`), so that both give the same result
for every row (property-tested in `tests/dataio/test_import_columns.py`).

The common shapes: each field from one column, no mapping defaults or date format; text within
its length; one e-mail that is a plain ASCII address; one Korean mobile number written the common
way, whose prefix `phonenumbers` accepts; one tag; a birth date as 2024-03-05, 2024.3.5,
2024/03/05 or 20240305; a choice in any spelling the per-row cleaner takes.

The clean rows go back to the importing process as columns of text (`FastRows`), which cost far
less to send between processes than a dict per row; `FastRows.results` there gives each row's
clean values exactly as the per-row cleaner would.

Polars' threads do not survive `fork`: a process forked from one that has run Polars hangs at its
first Polars call. The importing process therefore never cleans by columns itself, and forks
workers that do only while `started_here()` is false.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings

from inyeon.customers.choices import NameOrder
from inyeon.customers.names import display_name_for, has_hangul, name_keys
from inyeon.dataio.imports import normalise as n
from inyeon.dataio.imports.clean import CHANNELS, LANGUAGES, NAME_ORDERS, STAGES, Options
from inyeon.dataio.imports.fingerprint import FIELD_SEPARATOR, digest

TEXT = {
    "external_id": 100,
    "family_name": 100,
    "given_name": 100,
    "display_name": 200,
    "source": 60,
    "job_title": 100,
    "account": 200,
    "notes": 10000,
    "owner": 150,
}
CHOICES = {
    "name_order": NAME_ORDERS,
    "preferred_channel": CHANNELS,
    "language": LANGUAGES,
    "lifecycle_stage": STAGES,
}
LISTS = ("emails", "phones", "tags")
FIELDS = {*TEXT, *CHOICES, *LISTS, "birth_date"}

_PLAIN_EMAIL = "^" + n.PLAIN_EMAIL.pattern + "$"
_KOREAN_MOBILE = r"^(01[016789])[-. ]?([0-9]{3,4})[-. ]?([0-9]{4})$"
_SEPARATED_DATE = r"^([0-9]{4})[-./]([0-9]{1,2})[-./]([0-9]{1,2})\.?$"


@functools.cache
def _spaces() -> str:
    """Every character `str.strip()` strips."""
    return "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())


_RAN_IN: set[int] = set()  # the ids of the processes that have run Polars here


def started_here() -> bool:
    """Whether this process has run Polars (then its forked children must not)."""
    return os.getpid() in _RAN_IN


def can_clean(kind: str, plan: list[tuple[int, str, str]], options: Options) -> bool:
    names = [name for _index, _header, name in plan]
    return (
        kind == "contacts"
        and not options.defaults
        and not options.date_format
        and len(names) == len(set(names))
        and set(names) <= FIELDS
    )


@dataclass
class FastRows:
    """Clean rows as columns: `values[k][i]` is field `names[k]` of the row on `lines[i]`, None
    where the row has no such value. E-mails, phones and tags hold the one value; `_copy_emails`
    and `_copy_phones` are '' (no additional ones); birth dates are ISO text."""

    lines: list[int]
    names: list[str]
    values: list[list[Any]]

    def results(self) -> list[tuple[int, None, dict[str, Any]]]:
        columns = [_restore(name, column) for name, column in zip(self.names, self.values, strict=True)]
        return [
            (line, None, {k: v for k, v in zip(self.names, row, strict=True) if v is not None})
            for line, *row in zip(self.lines, *columns, strict=True)
        ]


def _restore(name: str, column: list[Any]) -> list[Any]:
    if name in LISTS:
        return [None if v is None else [v] for v in column]
    if name in ("_copy_emails", "_copy_phones"):
        return [None if v is None else [] for v in column]
    if name == "birth_date":
        return [None if v is None else dt.date.fromisoformat(v) for v in column]
    return column


def _unneutralised(column: pl.Expr) -> pl.Expr:
    """`dataio.cells.unneutralise` on a whole column."""
    return pl.when(column.str.contains(r"^'[=+\-@\t\r]")).then(column.str.slice(1)).otherwise(column)


def _escaped(column: pl.Expr) -> pl.Expr:
    """`bulk.cell` on text."""
    for char, escape in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        column = column.str.replace_all(char, escape, literal=True)
    return column


def _field(name: str, raw: pl.Expr, choices: dict[str, dict[str, str | None]]) -> tuple[pl.Expr, pl.Expr]:
    """(clean value or null, whether the cell is empty or in a common shape) of one mapped field."""
    stripped = raw.str.strip_chars(_spaces())
    present = stripped.str.len_bytes() > 0
    value, ok = _shape(name, raw, stripped, choices)
    return pl.when(present).then(value), ~present | ok


def _shape(
    name: str, raw: pl.Expr, stripped: pl.Expr, choices: dict[str, dict[str, str | None]]
) -> tuple[pl.Expr, pl.Expr]:
    listed = raw.str.contains("[;,\n]")
    if name in TEXT:
        return stripped, stripped.str.len_chars() <= TEXT[name]
    if name in CHOICES:
        value = stripped.replace_strict(choices[name], default=None, return_dtype=pl.String)
        return value, value.is_not_null()
    if name == "emails":
        lowered = stripped.str.to_lowercase()
        ok = (
            ~listed
            & stripped.str.contains(r"^[\x00-\x7f]*$")
            & lowered.str.contains(_PLAIN_EMAIL)
            & (lowered.str.len_bytes() <= 254)
        )
        return lowered, ok
    if name == "tags":
        return stripped, ~listed & (stripped.str.len_chars() <= 60)
    if name == "phones":
        parts = stripped.str.extract_groups(_KOREAN_MOBILE)
        national = pl.concat_str([parts.struct.field(f) for f in ("1", "2", "3")])
        korean = pl.lit(settings.INYEON_DEFAULT_PHONE_REGION == "KR")
        ok = ~listed & korean & national.is_not_null() & pl.col("_mobile_ok")
        return "+82" + national.str.slice(1), ok
    # birth_date
    eight = stripped.str.contains(r"^[0-9]{8}$")
    parts = stripped.str.extract_groups(_SEPARATED_DATE)
    year = pl.when(eight).then(stripped.str.slice(0, 4)).otherwise(parts.struct.field("1"))
    month = pl.when(eight).then(stripped.str.slice(4, 2)).otherwise(parts.struct.field("2"))
    day = pl.when(eight).then(stripped.str.slice(6, 2)).otherwise(parts.struct.field("3"))
    iso = pl.concat_str([year, pl.lit("-"), month.str.zfill(2), pl.lit("-"), day.str.zfill(2)])
    date = iso.str.to_date("%Y-%m-%d", strict=False)
    ok = date.is_not_null() & (date <= dt.date.today()) & (date.dt.year() >= 1900)
    return date.dt.to_string("%Y-%m-%d"), ok


def _choice_maps(frame: pl.DataFrame, names: list[str]) -> dict[str, dict[str, str | None]]:
    """Each choice field's distinct cells, stripped, to the stored value (None: not a choice)."""
    maps: dict[str, dict[str, str | None]] = {}
    for name in names:
        if name in CHOICES:
            cells = frame.get_column(name).str.strip_chars(_spaces()).unique().to_list()
            maps[name] = {c: CHOICES[name].get(c.lower()) for c in cells}
    return maps


def _mobile_prefixes(frame: pl.DataFrame) -> pl.Series:
    """Whether each row's Korean mobile prefix is one `phonenumbers` accepts whatever the ending
    (decided once per prefix, as the per-row cleaner does)."""
    national = pl.col("phones").str.strip_chars(_spaces()).str.extract_groups(_KOREAN_MOBILE).struct.unnest()
    digits = frame.select(national).select(pl.concat_str(pl.all()).alias("n")).get_column("n")
    firsts: dict[str, str] = {}
    for number in digits.drop_nulls().unique(maintain_order=True).to_list():
        firsts.setdefault(number[:-4], number[-4:])
    valid = {prefix: n.mobile_prefix_valid(prefix, ending) is True for prefix, ending in firsts.items()}
    return digits.str.head(-4).replace_strict(valid, default=False, return_dtype=pl.Boolean).fill_null(False)


@functools.lru_cache(maxsize=1 << 16)
def _names(family: str, given: str, order: str | None, display: str | None) -> tuple[Any, ...]:
    """(name order, display name, search name, search given, initials) as the per-row cleaner and
    `contact_copy_text` derive them."""
    if family or given:
        order = order or (NameOrder.EASTERN.value if has_hangul(family + given) else NameOrder.WESTERN.value)
        display = display or display_name_for(family, given, order)
    keys = name_keys(display, family, given) if display else (None, None, None)
    return (order, display, *keys)


def clean(
    plan: list[tuple[int, str, str]],
    options: Options,
    rows: list[tuple[int, list[str]]],
    prepare: bool,
    copy_defaults: dict[str, str],
    copy_columns: tuple[str, ...],
) -> tuple[FastRows, list[tuple[int, list[str]]]]:
    """The rows in common shapes, cleaned, and the others (for the per-row cleaner).

    With `prepare`, each clean row that names somebody gets its COPY text as `contact_copy_text`
    builds it (`copy_columns` in order, `copy_defaults` for the columns the row has no value for).
    """
    _RAN_IN.add(os.getpid())
    width = max(index for index, _header, _name in plan) + 1
    table = [cells if len(cells) >= width else cells + [""] * (width - len(cells)) for _line, cells in rows]
    names = [name for _index, _header, name in plan]
    frame = pl.DataFrame(
        {name: [cells[index] for cells in table] for index, _header, name in plan},
        schema=dict.fromkeys(names, pl.String),
    ).with_columns(_unneutralised(pl.col(name)).alias(name) for name in names)
    if "phones" in names:
        frame = frame.with_columns(_mobile_ok=_mobile_prefixes(frame))
    choices = _choice_maps(frame, names)
    fields = {name: _field(name, pl.col(name), choices) for name in names}
    frame = frame.select(
        pl.Series("_line", [line for line, _cells in rows], dtype=pl.Int64),
        pl.all_horizontal([ok for _value, ok in fields.values()]).alias("_ok"),
        *(value.alias(name) for name, (value, _ok) in fields.items()),
    )
    ok = frame.get_column("_ok").to_list()
    slow = [row for row, good in zip(rows, ok, strict=True) if not good]
    fast = frame.filter(pl.col("_ok")).drop("_ok")
    derived = [
        _names(f or "", g or "", o, d)
        for f, g, o, d in zip(
            *(_column(fast, k) for k in ("family_name", "given_name", "name_order", "display_name")),
            strict=True,
        )
    ]
    fast = fast.with_columns(
        pl.DataFrame(
            derived,
            schema=dict.fromkeys(
                ("name_order", "display_name", "search_name", "search_given", "name_initials"), pl.String
            ),
            orient="row",
        )
    )
    data = sorted({*names, "name_order", "display_name"})
    exprs = {name: pl.col(name) for name in data}
    exprs["_fp"] = _fingerprint_text(data)
    if prepare:
        exprs.update(_copy(copy_defaults, copy_columns, set(fast.columns)))
    out = fast.select(pl.col("_line"), *(e.alias(k) for k, e in exprs.items()))
    values = [out.get_column(k).to_list() for k in exprs]
    fp = list(exprs).index("_fp")
    values[fp] = [digest(text) for text in values[fp]]
    return FastRows(out.get_column("_line").to_list(), list(exprs), values), slow


def _column(frame: pl.DataFrame, name: str) -> list[Any]:
    return frame.get_column(name).to_list() if name in frame.columns else [None] * frame.height


def _fingerprint_text(data: list[str]) -> pl.Expr:
    """`fingerprint.fingerprint`'s text of each row (fields in name order, absent ones left out)."""
    pieces = []
    for name in data:
        value = pl.col(name)
        head = f"{name}=[1]" if name in LISTS else f"{name}="
        pieces.append(
            pl.concat_str([pl.lit(head), value.str.len_chars().cast(pl.String), pl.lit(":"), value])
        )
    return pl.concat_str(pieces, separator=FIELD_SEPARATOR, ignore_nulls=True)


def _copy(defaults: dict[str, str], columns: tuple[str, ...], present: set[str]) -> dict[str, pl.Expr]:
    """`_copy`, `_copy_emails` and `_copy_phones` as `handlers.contact_copy_text` builds them."""
    sources: dict[str, str] = {
        "primary_email": "emails",
        "emails_text": "emails",
        "primary_phone": "phones",
        "phones_text": "phones",
        "tags_text": "tags",
    }
    cells = []
    for column in columns:
        source = sources.get(column, column)
        default = pl.lit(str(defaults[column]))
        cells.append(
            pl.when(pl.col(source).is_null()).then(default).otherwise(_escaped(pl.col(source)))
            if source in present
            else default
        )
    named = pl.col("display_name").is_not_null()

    # One e-mail and one phone at most: the primary ones, on the contact row; no channel rows.
    return {
        "_copy": pl.when(named).then(pl.concat_str(cells, separator="\t")),
        "_copy_emails": pl.when(named).then(pl.lit("")),
        "_copy_phones": pl.when(named).then(pl.lit("")),
    }
