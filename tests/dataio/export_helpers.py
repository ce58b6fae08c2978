"""Reading exported files back in tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook


def csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), "a CSV export starts with a BOM"
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(v) for v in values[0]]
    return [{h: ("" if v is None else v) for h, v in zip(header, row, strict=True)} for row in values[1:]]


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)
