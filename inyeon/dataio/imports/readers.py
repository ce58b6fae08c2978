"""Reading an uploaded file as a header and rows: CSV (UTF-8 with or without BOM, or CP949/EUC-KR
as Korean Excel writes it, detected), whitespace-separated text, or XLSX. Rows are streamed."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

SNIFF_BYTES = 1 << 20


class FileProblem(Exception):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)
    file_format: str
    encoding: str
    delimiter: str = ""  # CSV: the one in use ("auto" resolved), or "whitespace"


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' for a BOM, 'utf-8' when the start decodes as UTF-8, else 'cp949' (a superset
    of EUC-KR)."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the sample is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp949", errors="strict")
    except UnicodeDecodeError as exc:
        # The sample may end inside a two-byte character.
        if exc.start < len(head) - 1:
            raise FileProblem(_("The file is neither UTF-8 nor CP949/EUC-KR text.")) from None
    return "cp949"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(
    path: Path, encoding: str, delimiter: str, header: bool
) -> tuple[list[str], Iterator[Any], str]:
    f = path.open("r", encoding=encoding, newline="")
    if delimiter == "auto":
        sample = f.read(64 * 1024)
        f.seek(0)
        first = sample.splitlines()[0] if sample else ""
        delimiter = max((",", "\t", ";", "|"), key=first.count)
    reader = records(f, delimiter)
    first_row = next(reader, None) if header else None
    return ([c.strip() for c in first_row] if first_row else []), _with_close(reader, f), delimiter


def records(lines: Iterator[str], delimiter: str) -> Iterator[list[str]]:
    """The cells of each record in text read with `newline=""`: whitespace-separated, or CSV."""
    if delimiter == "whitespace":
        return (line.split() for line in lines)
    return csv.reader(lines, delimiter=delimiter)


def _with_close(rows: Iterator[list[str]], f: Any) -> Iterator[list[str]]:
    try:
        yield from rows
    finally:
        f.close()


def not_text(encoding: str, line: int) -> str:
    return _("The file is not valid %(encoding)s text after line %(line)d.") % {
        "encoding": encoding,
        "line": line,
    }


def numbered(rows: Iterator[list[str]], start: int, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """The non-empty rows with their line numbers (the row after line `start` first)."""
    line = start
    try:
        for cells in rows:
            line += 1
            if any(c.strip() for c in cells):
                yield line, cells
    except UnicodeDecodeError:
        raise FileProblem(not_text(encoding, line)) from None
    except csv.Error as exc:
        raise FileProblem(
            _("Line %(line)d is not valid CSV: %(error)s") % {"line": line + 1, "error": exc}
        ) from None


def open_table(
    path: Path, *, delimiter: str = "auto", header: bool = True, names: list[str] | None = None
) -> Table:
    """Open `path` (CSV/TSV/text or XLSX, decided by its content) for reading."""
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == b"PK\x03\x04":
        return _open_xlsx(path, header=header, names=names)
    encoding = detect_encoding(path)
    headers, rows, delimiter = _csv_rows(path, encoding, delimiter, header)
    if names:
        headers = list(names)
    if not headers:
        raise FileProblem(_("The file is empty: it has no header row."))
    return Table(headers, numbered(rows, 1 if header else 0, encoding), "csv", encoding, delimiter)


def _open_xlsx(path: Path, *, header: bool, names: list[str] | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise FileProblem(_("The file is not a readable XLSX workbook.")) from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)

    def cells() -> Iterator[list[str]]:
        try:
            for row in values:
                yield [_cell(v) for v in row]
        finally:
            book.close()

    stream = cells()
    first = next(stream, None) if header else None
    headers = list(names) if names else [c.strip() for c in (first or [])]
    if not headers:
        raise FileProblem(_("The file is empty: it has no header row."))
    return Table(headers, numbered(stream, 1 if header else 0, "XLSX"), "xlsx", "")
