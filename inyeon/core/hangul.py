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


# Revised Romanization of Korean (국어의 로마자 표기법, 2000), as written for personal names:
# sound changes between syllables are not reflected ('한복남' -> 'hanboknam'), except that
# ㄹㄹ is written 'll'. Index order follows the Unicode syllable composition.
_RR_INITIAL = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
_RR_MEDIAL = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_RR_FINAL = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p",
    "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_FINAL_RIEUL = 8
_INITIAL_RIEUL = 5


def _jamo_indices(ch: str) -> tuple[int, int, int]:
    offset = ord(ch) - _SYLLABLE_FIRST
    return offset // 588, (offset % 588) // 28, offset % 28


def romanize(text: str) -> str:
    """Hangul syllables in `text` in Revised Romanization, lowercase; other characters unchanged.

    '김민수' -> 'gimminsu', '김 민수' -> 'gim minsu', '이슬람' -> 'iseullam'.
    """
    out: list[str] = []
    previous_final = -1
    for ch in unicodedata.normalize("NFC", text):
        if not is_hangul_syllable(ch):
            out.append(ch)
            previous_final = -1
            continue
        initial, medial, final = _jamo_indices(ch)
        if initial == _INITIAL_RIEUL and previous_final == _FINAL_RIEUL:
            out.append("l")  # ㄹㄹ -> ll
        elif initial == _INITIAL_RIEUL and previous_final == -1:
            out.append("r")
        else:
            out.append(_RR_INITIAL[initial])
        out.append(_RR_MEDIAL[medial])
        out.append(_RR_FINAL[final])
        previous_final = final
    return "".join(out)


# Common spellings of Korean family names outside Revised Romanization ('Kim', 'Lee', 'Park'),
# mapped to it, so that 'Kim Minsu' and '김민수' meet.
FAMILY_NAME_SPELLINGS: dict[str, str] = {
    "kim": "gim", "lee": "i", "yi": "i", "rhee": "i", "ree": "i", "rhie": "i", "park": "bak",
    "pak": "bak", "bahk": "bak", "choi": "choe", "choy": "choe", "jung": "jeong", "chung": "jeong",
    "jeung": "jeong", "cheong": "jeong", "kang": "gang", "cho": "jo", "joe": "jo", "yoon": "yun",
    "youn": "yun", "chang": "jang", "lim": "im", "rim": "im", "oh": "o", "suh": "seo", "shin": "sin",
    "kwon": "gwon", "kwan": "gwan", "ahn": "an", "ryu": "yu", "yoo": "yu", "you": "yu", "ryoo": "yu",
    "jeon": "jeon", "jun": "jeon", "chun": "cheon", "ko": "go", "koh": "go", "moon": "mun",
    "paek": "baek", "baik": "baek", "heo": "heo", "hur": "heo", "huh": "heo", "noh": "no", "roh": "no",
    "kwak": "gwak", "sung": "seong", "joo": "ju", "chu": "chu", "woo": "u", "koo": "gu", "ku": "gu",
    "um": "eom", "uhm": "eom", "hyun": "hyeon", "byun": "byeon", "byeon": "byeon", "shim": "sim",
    "yeom": "yeom", "yum": "yeom", "kong": "gong", "ham": "ham", "pyo": "pyo", "bang": "bang",
    "ra": "na", "rah": "na", "yang": "yang", "song": "song", "hong": "hong", "hwang": "hwang",
}  # fmt: skip


def family_name_key(token: str) -> str:
    """A family name in Revised Romanization: '김' -> 'gim', 'Kim' -> 'gim', 'Park' -> 'bak'."""
    if has_hangul(token):
        return romanize(token).casefold()
    low = token.casefold()
    return FAMILY_NAME_SPELLINGS.get(low, low)


def is_family_name_spelling(token: str) -> bool:
    return token.casefold() in FAMILY_NAME_SPELLINGS


# Folds that make spellings of one Korean sound meet ('Minsoo' ~ 'Minsu', 'Kim' ~ 'Gim').
_PHONETIC_FOLDS = (
    ("oo", "u"), ("ee", "i"), ("ch", "j"), ("sh", "s"), ("ph", "p"), ("k", "g"),
    ("t", "d"), ("p", "b"), ("r", "l"), ("eo", "o"), ("eu", "u"), ("ae", "e"), ("wo", "o"),
)  # fmt: skip


def phonetic_fold(latin: str) -> str:
    """Letters only, lowercase, with spelling variants of Korean sounds folded together."""
    text = "".join(ch for ch in latin.casefold() if ch.isalpha())
    for old, new in _PHONETIC_FOLDS:
        text = text.replace(old, new)
    return text


def name_match_key(family: str, given: str, display: str) -> str:
    """One Latin key for a person's name, whatever the script, spacing or order of its parts.

    '김민수', '김 민수', 'Kim Minsu' and 'Minsu Kim' all give 'gimminsu': the parts are romanized,
    folded and sorted, so the order of family and given name does not matter.
    """
    family, given = family.strip(), given.strip()
    if family or given:
        parts = [family_name_key(family) if family else "", romanize(given)]
    else:
        raw = display.replace(",", " ").split()
        if len(raw) == 1 and has_hangul(raw[0]) and len(raw[0]) >= 2:
            raw = [raw[0][0], raw[0][1:]]  # 김민수: the first syllable is the family name
        at = next((i for i, t in enumerate(raw) if has_hangul(t) or is_family_name_spelling(t)), 0)
        parts = [family_name_key(t) if i == at else romanize(t) for i, t in enumerate(raw)]
    return "".join(sorted(phonetic_fold(p) for p in parts if p))
