"""A CSV file's body cut into chunks of whole records without parsing it, so that worker processes
parse and clean the chunks while the importing process only finds where records end.

A record ends at a line end outside a quoted field; only lines holding a quote need a closer look,
by the rules Python's `csv` reader follows (a quote opens a quoted field at the start of a field;
inside one, a doubled quote is a quote and a single one closes it). CP949 and UTF-8 never use the
bytes of a quote or a line end inside another character, so the bytes can be searched directly.
Records end at "\n" (or "\r\n"): a file whose lines end with a bare "\r" comes as one chunk, read
correctly but without the parallel cleaning.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inyeon.dataio.imports.readers import FileProblem, not_text, numbered, records

QUOTE = ord('"')


@dataclass(frozen=True)
class RawChunk:
    start: int  # line number of the record before the chunk's first one (the header's is 1)
    data: bytes


def _ends_inside(line: bytes, inside: bool, delimiter: int) -> bool:
    """Whether a quoted field is still open at the end of `line` (it starts inside one when
    `inside`)."""
    i, n = 0, len(line)
    field_start = not inside
    while i < n:
        if inside:
            j = line.find(b'"', i)
            if j < 0:
                return True
            if j + 1 < n and line[j + 1] == QUOTE:
                i = j + 2
                continue
            inside, field_start, i = False, False, j + 1
        elif field_start and line[i] == QUOTE:
            inside, i = True, i + 1
        else:
            j = line.find(delimiter, i)
            if j < 0:
                return False
            field_start, i = True, j + 1
    return inside


def raw_chunks(path: Path, *, delimiter: str, header: bool, rows: int) -> Iterator[RawChunk]:
    """The records after the header, `rows` at a time."""
    quoting = delimiter != "whitespace"
    separator = ord(delimiter) if quoting else 0
    with path.open("rb") as f:
        inside = False
        skip = header
        line_number = 1 if header else 0
        lines: list[bytes] = []
        records = 0
        for line in f:
            if quoting and (inside or QUOTE in line):
                inside = _ends_inside(line, inside, separator)
            if skip:
                skip = inside
                continue
            lines.append(line)
            if inside:
                continue
            records += 1
            if records == rows:
                yield RawChunk(line_number, b"".join(lines))
                line_number += records
                lines, records = [], 0
        if lines:
            yield RawChunk(line_number, b"".join(lines))


def parse_chunk(chunk: RawChunk, *, encoding: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The chunk's non-empty records as (line number, cells), as `readers.open_table` reads them."""
    try:
        text = chunk.data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = chunk.start + chunk.data[: exc.start].count(b"\n")
        raise FileProblem(not_text(encoding, line)) from None
    return list(numbered(records(io.StringIO(text, newline=""), delimiter), chunk.start, encoding))
