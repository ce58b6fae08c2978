"""Large imports cut the file into chunks of records without parsing it, and the worker processes
parse the chunks: together the chunks must give exactly the rows, and the line numbers, that
reading the file in one go gives."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inyeon.dataio.imports.chunks import parse_chunk, raw_chunks
from inyeon.dataio.imports.readers import FileProblem, open_table


def chunked(
    path: Path, size: int, *, header: bool = True, delimiter: str = "auto"
) -> list[tuple[int, list[str]]]:
    table = open_table(path, header=header, delimiter=delimiter, names=None if header else NAMES)
    rows = []
    for chunk in raw_chunks(path, delimiter=table.delimiter, header=header, rows=size):
        rows += parse_chunk(chunk, encoding=table.encoding, delimiter=table.delimiter)
    return rows


def whole(path: Path, *, header: bool = True, delimiter: str = "auto") -> list[tuple[int, list[str]]]:
    return list(open_table(path, header=header, delimiter=delimiter, names=None if header else NAMES).rows)


NAMES = ["customer", "date", "quantity", "amount"]  # a mapping's column names for a file without a header


# Cells with everything that makes CSV hard: quotes, delimiters, line ends inside a field, Hangul.
PIECES = st.sampled_from(['"', ",", ";", "\t", "\n", "\r\n", " ", "a", "Z", "김", "'", "="])
CELL = st.lists(PIECES, max_size=6).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=12),
    delimiter=st.sampled_from([",", "\t", ";"]),
    size=st.integers(1, 5),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949"]),
)
def test_chunks_give_the_rows_and_line_numbers_of_the_whole_file(
    tmp_path: Path, rows: list[list[str]], delimiter: str, size: int, quoting: int, encoding: str
) -> None:
    path = tmp_path / "f.csv"
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, quoting=quoting).writerows([["성", "이름", "메모"], *rows])
    assert chunked(path, size, delimiter=delimiter) == whole(path, delimiter=delimiter)


def test_a_stray_quote_inside_a_plain_field_does_not_open_a_quoted_one(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('a,b,c\n1,2"x,3\n4,"five\nlines",6\n7,8,9\n\n10,11,12\n', encoding="utf-8")
    expected = [
        (2, ["1", '2"x', "3"]),
        (3, ["4", "five\nlines", "6"]),
        (4, ["7", "8", "9"]),
        (6, ["10", "11", "12"]),
    ]
    assert whole(path) == expected
    for size in (1, 2, 3):
        assert chunked(path, size) == expected


def test_whitespace_separated_files_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "cdnow.txt"
    path.write_text(
        "00001 19970101 1 11.77\n00002   19970112 2 20.76\n\n00003 19970102 1 5.00\n", encoding="ascii"
    )
    expected = whole(path, header=False, delimiter="whitespace")
    assert expected[0] == (1, ["00001", "19970101", "1", "11.77"]) and expected[-1][0] == 4
    assert chunked(path, 1, header=False, delimiter="whitespace") == expected


def test_a_byte_order_mark_without_a_header_row_is_not_part_of_the_first_cell(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("김민수,k@example.kr\n이서연,s@example.kr\n", encoding="utf-8-sig")
    assert chunked(path, 1, header=False) == [
        (1, ["김민수", "k@example.kr"]),
        (2, ["이서연", "s@example.kr"]),
    ]


def test_text_that_is_not_in_the_files_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("이름,메모\n김민수,a\n".encode() + b"\xff\xfe,b\n")
    chunks = list(raw_chunks(path, delimiter=",", header=True, rows=10))
    with translation.override("en"), pytest.raises(FileProblem, match="after line 2"):
        parse_chunk(chunks[0], encoding="utf-8", delimiter=",")
