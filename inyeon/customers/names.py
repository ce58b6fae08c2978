"""Personal names in Korean and Western order, and the search keys derived from them."""

from __future__ import annotations

from inyeon.core.hangul import chosung, has_hangul, search_key
from inyeon.customers.choices import NameOrder

# Two-syllable Korean family names; every other Hangul name takes its first syllable.
_TWO_SYLLABLE_FAMILY = {"남궁", "황보", "제갈", "사공", "선우", "서문", "독고", "동방", "망절", "어금"}


def split_korean_name(full: str) -> tuple[str, str]:
    """'김민수' -> ('김', '민수'); '남궁민' -> ('남궁', '민'); '김 민수' -> ('김', '민수')."""
    text = full.strip()
    if " " in text:
        family, _, given = text.partition(" ")
        return family.strip(), given.strip()
    if len(text) >= 3 and text[:2] in _TWO_SYLLABLE_FAMILY:
        return text[:2], text[2:]
    return text[:1], text[1:]


def display_name_for(family: str, given: str, order: str) -> str:
    if order == NameOrder.EASTERN:
        joiner = "" if has_hangul(family + given) else " "
        return joiner.join(p for p in (family, given) if p)
    return " ".join(p for p in (given, family) if p)


def name_keys(display_name: str, family: str, given: str) -> tuple[str, str, str]:
    """(search_name, search_given, name_initials) for range-prefix search."""
    return (
        search_key(display_name)[:200],
        search_key(given)[:100],
        chosung(display_name)[:100],
    )
