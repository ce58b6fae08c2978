"""The formula neutralisation that exports and import error files share."""

from __future__ import annotations

import pytest

from inyeon.dataio.cells import neutralise


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_prefixes_a_formula_start_with_an_apostrophe(start: str) -> None:
    assert neutralise(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


@pytest.mark.parametrize("value", ["김민수", "a=b", "010-1234-5678", " =1", "'=1", ""])
def test_it_leaves_other_text_alone(value: str) -> None:
    assert neutralise(value) == value


def test_it_writes_none_as_empty_and_numbers_as_text() -> None:
    assert neutralise(None) == ""
    assert neutralise(42) == "42"
    assert neutralise(-3) == "'-3"
