"""The column-wise cleaner of large contact imports (`imports.columns`) must give every row
exactly what the per-row cleaner gives: the same clean values, the same fingerprint, the same COPY
text, and the same problems for a bad row (which it hands to the per-row cleaner)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inyeon.dataio.imports import columns, engine
from inyeon.dataio.imports.chunks import RawChunk
from inyeon.dataio.imports.clean import Options
from inyeon.dataio.imports.engine import _merged, clean_rows
from inyeon.dataio.imports.fingerprint import fingerprint, value_text
from inyeon.dataio.imports.handlers import CONTACT_TAIL, contact_default_cells

Rows = list[tuple[int, list[str]]]
Plan = list[tuple[int, str, str]]

NAMES = [
    "김",
    "남궁",
    "민수",
    " 박 ",
    "Kim",
    "Minsu",
    "O'Brien",
    "a\tb\\c",
    "x" * 101,
    "\x1c김\x1c",
    "\u3000서연",
    "É",
]
CELLS: dict[str, list[str]] = {
    "family_name": NAMES,
    "given_name": NAMES,
    "display_name": [*NAMES, "김 민수", "y" * 201],
    "external_id": ["A-1", " 7 ", "'=1", "e" * 101],
    "job_title": ["대리", "line\nbreak", "tab\there", "\r"],
    "notes": ["매장 방문", "a\\b", "=SUM(A1)", "'=SUM(A1)", "'@x"],
    "source": ["web", "s" * 61],
    "account": ["인연상사", "ACME"],
    "owner": ["rep1"],
    "emails": [
        "member1@example.kr",
        " Member2@Example.KR ",
        "a@b",
        "a@b.kr; c@d.kr",
        "a@b.kr,",
        "ÄB@x.kr",
        "user@例え.jp",
        "K\u212a@x.kr",
        "x" * 250 + "@a.kr",
        "first.last+tag@sub.domain.co.kr",
    ],
    "phones": [
        "010-1234-5678",
        "01012345678",
        "010 1234 5678",
        "010.2345.6789",
        "011-234-5678",
        "010-1234-567",
        "02-123-4567",
        "+82 10 1234 5678",
        "010-1234-5678; 010-2222-3333",
        "٠١٠١٢٣٤٥٦٧٨",
        "010-1234--5678",
        "phone",
        "019-9999-0000",
    ],
    "tags": ["vip", " 서울 ", "a,b", "t" * 61, "뉴스레터"],
    "birth_date": [
        "1990-01-02",
        "1990.1.2",
        "1990/01/02",
        "19900102",
        "1990.01.02.",
        "1990-02-30",
        "1899-12-31",
        "1900-01-01",
        "2999-01-01",
        "90.01.02",
        "1990년 1월 2일",
        "1990-01-02T10:00",
        "１９９０-01-02",
        "0000-01-01",
        "2024-13-01",
        "date",
    ],
    "name_order": ["동양식", "Western", " eastern ", "sideways"],
    "preferred_channel": ["이메일", "SMS", "fax"],
    "language": ["ko", " EN ", "한국어", "xx"],
    "lifecycle_stage": ["잠재", "core", "bad"],
}
SPACES = st.sampled_from(["", " ", "  ", "\t", "\u3000"])


def cell(name: str) -> st.SearchStrategy[str]:
    common = st.builds(lambda a, v, b: a + v + b, SPACES, st.sampled_from(CELLS[name]), SPACES)
    return st.one_of(common, st.just(""), st.text(max_size=6))


@st.composite
def files(draw: st.DrawFn) -> tuple[Plan, Rows]:
    names = draw(st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=8, unique=True))
    plan = [(i, f"column {i}", name) for i, name in enumerate(names)]
    rows = []
    for line in range(2, 2 + draw(st.integers(1, 12))):
        cells = [draw(cell(name)) for name in names]
        if draw(st.integers(0, 9)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))]  # a short row
        rows.append((line, cells))
    return plan, rows


def per_row(plan: Plan, rows: Rows, prepare: bool) -> list[tuple[int, Any]]:
    return [(line, result) for line, _cells, result in clean_rows("contacts", plan, Options(), rows, prepare)]


def clean_in_child(plan: Plan, rows: Rows, prepare: bool) -> tuple[columns.FastRows, Rows]:
    """`columns.clean` in a process forked for it: Polars' threads do not survive a fork, so this
    test process, which forks import workers in other tests, must never run Polars itself."""
    return CHILD.apply(columns.clean, (plan, Options(), rows, prepare, contact_default_cells(), CONTACT_TAIL))


CHILD: Any = None


@pytest.fixture(scope="module", autouse=True)
def child() -> Iterator[None]:
    global CHILD
    with multiprocessing.get_context("fork").Pool(1) as pool:
        CHILD = pool
        yield
    CHILD = None


def by_columns(plan: Plan, rows: Rows, prepare: bool) -> list[tuple[int, Any]]:
    fast, slow = clean_in_child(plan, rows, prepare)
    return [
        (line, result)
        for line, _cells, result in _merged(fast, clean_rows("contacts", plan, Options(), slow, prepare))
    ]


def test_this_process_never_ran_polars() -> None:
    assert not columns.started_here()


@pytest.mark.parametrize("prepare", [False, True])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=files())
def test_columns_agree_with_the_per_row_cleaner(file: tuple[Plan, Rows], prepare: bool) -> None:
    plan, rows = file
    with translation.override("ko"):
        assert by_columns(plan, rows, prepare) == per_row(plan, rows, prepare)


def test_common_rows_go_by_columns_and_the_others_by_row() -> None:
    plan = [
        (0, "이름", "given_name"),
        (1, "성", "family_name"),
        (2, "이메일", "emails"),
        (3, "생일", "birth_date"),
    ]
    rows = [
        (2, ["민수", "김", " Kim@Example.KR ", "1990.1.2"]),
        (3, ["서연", "이", "lee@example.kr", "1990년 1월 2일"]),  # a Korean date: by row
        (4, ["하은", "박", "not an address", "1990-01-02"]),  # a bad e-mail: by row, with its problem
    ]
    fast, slow = clean_in_child(plan, rows, True)
    assert fast.lines == [2]
    assert [line for line, _cells in slow] == [3, 4]
    ((line, cells, data),) = fast.results()
    assert (line, cells) == (2, None)
    assert data["emails"] == ["kim@example.kr"]
    assert data["birth_date"] == dt.date(1990, 1, 2)
    assert data["display_name"] == "김민수"
    assert data["name_order"] == "eastern"
    assert data["_copy_emails"] == []  # one e-mail: the primary, on the contact row only
    assert data["_fp"] == fingerprint({k: v for k, v in data.items() if not k.startswith("_")})


@pytest.mark.parametrize(
    ("plan", "options"),
    [
        ([(0, "성명", "full_name")], Options()),  # names split by row
        ([(0, "이메일", "emails"), (1, "이메일2", "emails2")], Options()),
        ([(0, "이메일", "emails"), (1, "메일", "emails")], Options()),  # one field from two columns
        ([(0, "이메일", "emails")], Options(defaults={"source": "shop"})),
        ([(0, "생일", "birth_date")], Options(date_format="%d/%m/%Y")),
        ([(0, "ID", "id")], Options()),
    ],
)
def test_other_mappings_are_cleaned_by_row(plan: Plan, options: Options) -> None:
    assert not columns.can_clean("contacts", plan, options)


def test_only_contacts_are_cleaned_by_columns() -> None:
    assert columns.can_clean("contacts", [(0, "이메일", "emails")], Options())
    assert not columns.can_clean("accounts", [(0, "이메일", "email")], Options())


def test_fingerprint_text_prefixes_every_value_with_its_length() -> None:
    assert value_text("서울") == "2:서울"
    assert value_text(["a;b"]) == "[1]3:a;b"
    assert value_text(dt.date(2024, 3, 5)) == "10:2024-03-05"
    assert fingerprint({"tags": ["a", "b"]}) != fingerprint({"tags": ["a;b"]})


def clean_raw_in_worker(by_columns: bool) -> tuple[columns.FastRows | None, list[Any]]:
    plan = [(0, "성", "family_name"), (1, "이름", "given_name"), (2, "이메일", "emails")]
    engine._init_worker("contacts", plan, Options(), "ko", True, ("utf-8", ","), by_columns)
    return engine._clean_raw_in_worker(RawChunk(1, "김,민수,kim@example.kr\n이,서연,bad\n".encode()))


def test_workers_clean_by_columns_only_when_the_importing_process_never_ran_polars() -> None:
    fast, slow = CHILD.apply(clean_raw_in_worker, (True,))
    assert fast is not None and fast.lines == [2] and [line for line, _c, _r in slow] == [3]
    fast, results = CHILD.apply(clean_raw_in_worker, (False,))
    assert fast is None and [line for line, _c, _r in results] == [2, 3]
    assert results[0][2]["display_name"] == "김민수" and isinstance(results[1][2], list)
