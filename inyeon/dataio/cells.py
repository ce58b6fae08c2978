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


def unneutralise(text: str) -> str:
    """The value behind a cell `neutralise` wrote (`'=…` → `=…`), so an exported file imports
    unchanged; any other text as it is."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS else text
