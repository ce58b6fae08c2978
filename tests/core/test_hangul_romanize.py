"""Revised Romanization and the name match key (pure functions, no database)."""

from __future__ import annotations

import pytest

from inyeon.core.hangul import family_name_key, name_match_key, phonetic_fold, romanize


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [
        ("김민수", "gimminsu"),
        ("이슬기", "iseulgi"),
        ("박보검", "bakbogeom"),
        ("최지우", "choejiu"),
        ("정해인", "jeonghaein"),
        ("한복남", "hanboknam"),  # no assimilation in personal names
        ("설리", "seolli"),  # ㄹㄹ is written ll
        ("류현진", "ryuhyeonjin"),  # ㄹ at the start is r
        ("김 민수", "gim minsu"),
        ("Kim 민수", "Kim minsu"),
    ],
)
def test_it_romanizes_names_in_revised_romanization(hangul: str, latin: str) -> None:
    assert romanize(hangul) == latin


def test_it_maps_common_family_name_spellings_to_revised_romanization() -> None:
    assert family_name_key("Kim") == family_name_key("김") == "gim"
    assert family_name_key("Lee") == family_name_key("이") == "i"
    assert family_name_key("Park") == family_name_key("박") == "bak"


def test_it_folds_spelling_variants_of_one_sound() -> None:
    assert phonetic_fold("Minsoo") == phonetic_fold("minsu")
    assert phonetic_fold("Kim-Min su") == phonetic_fold("gimminsu")


@pytest.mark.parametrize(
    ("family", "given", "display"),
    [
        ("김", "민수", "김민수"),
        ("", "", "김 민수"),
        ("", "", "Kim Minsu"),
        ("", "", "Minsu Kim"),
        ("Kim", "Minsoo", ""),
    ],
)
def test_every_writing_of_kim_minsu_has_one_match_key(family: str, given: str, display: str) -> None:
    assert name_match_key(family, given, display) == name_match_key("김", "민수", "김민수")


def test_different_names_keep_different_keys() -> None:
    assert name_match_key("김", "민수", "") != name_match_key("박", "지영", "")
