"""Hangul helpers for search: initial consonants (초성) and normalised search keys. No Django."""

from __future__ import annotations

import unicodedata

_SYLLABLE_FIRST = 0xAC00
_SYLLABLE_LAST = 0xD7A3
_CHOSUNG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_COMPAT_CONSONANTS = set("ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")


def is_hangul_syllable(ch: str) -> bool:
    return _SYLLABLE_FIRST <= ord(ch) <= _SYLLABLE_LAST


def has_hangul(text: str) -> bool:
    return any(is_hangul_syllable(ch) for ch in text)


def chosung(text: str) -> str:
    """The initial consonants of the Hangul syllables in `text`: '김민수' -> 'ㄱㅁㅅ'."""
    out = []
    for ch in text:
        if is_hangul_syllable(ch):
            out.append(_CHOSUNG[(ord(ch) - _SYLLABLE_FIRST) // 588])
        elif ch in _COMPAT_CONSONANTS:
            out.append(ch)
    return "".join(out)


def is_chosung_query(text: str) -> bool:
    """True for a query made only of initial consonants, such as 'ㄱㅁㅅ'."""
    stripped = text.replace(" ", "")
    return bool(stripped) and all(ch in _COMPAT_CONSONANTS for ch in stripped)


def search_key(text: str) -> str:
    """Lowercase, NFC, without spaces, hyphens or dots: '김 민수' and '김민수' share a key."""
    normal = unicodedata.normalize("NFC", text).casefold()
    return "".join(ch for ch in normal if ch not in " \t-._'")


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (for range scans)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
