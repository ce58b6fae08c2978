"""Spreadsheet cell safety: what exports and import error files write into a cell.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
spreadsheet programs (CSV injection); such a value is written with a leading apostrophe, which
spreadsheets show as text and do not display.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """`value` as cell text that no spreadsheet runs as a formula (None is the empty string)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralise_all(texts: list[str]) -> list[str]:
    """`neutralise` of each text of a row (a faster loop for exports of a million rows)."""
    return ["'" + t if t[:1] in _STARTS else t for t in texts]


_STARTS = frozenset(FORMULA_STARTS)


def unneutralise(text: str) -> str:
    """The value behind a cell `neutralise` wrote (`'=…` → `=…`), so an exported file imports
    unchanged; any other text as it is."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS else text
