"""CSV and XLSX encodings of export rows.

CSV is UTF-8 with a byte order mark (so that Excel shows Hangul), comma-separated, quoted only
where needed, lines ending in LF (PostgreSQL's COPY writes the same bytes). XLSX is written by
openpyxl in write-only mode, every cell a string, so memory stays flat.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"
BATCH = 1000  # rows per chunk of a streamed CSV response


class _Echo:
    """A file that hands back what is written to it, so that `csv.writer` returns each line."""

    def write(self, text: str) -> str:
        return text


class _Lines:
    """A file that collects each line written to it in a list."""

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append


# CRLF as the writer's terminator makes it quote any cell holding CR or LF (with "\n" alone a
# bare CR would go unquoted); each line's CRLF is then cut to LF.
_WRITER = csv.writer(_Echo(), lineterminator="\r\n")


def csv_line(cells: Iterable[object]) -> str:
    line: str = _WRITER.writerow(cells)
    return line[:-2] + "\n"


def csv_chunks(header: Iterable[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """The CSV file as byte chunks of `BATCH` rows each, BOM and header first."""
    yield (BOM + csv_line(header)).encode()
    lines: list[str] = []
    writer = csv.writer(_Lines(lines), lineterminator="\r\n")  # see _WRITER
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        writer.writerows(batch)
        yield "".join([line[:-2] + "\n" for line in lines]).encode()
        lines.clear()


def write_xlsx(path: Path, header: Iterable[str], rows: Iterable[list[str]], title: str) -> None:
    """An XLSX workbook of one sheet named `title`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        # Cells are neutralised, so none starts with "=" (which openpyxl would store as a formula);
        # control characters that XML cannot hold are dropped.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    book.save(path)
