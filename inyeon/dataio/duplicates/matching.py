"""Scoring a pair of contacts under the match rules: exact keys score 100, similar names less.

A similar name alone is never enough: the fuzzy score is 3/4 of the name similarity plus what
else the two share (account, birth date, address, postal code, phone's last digits), minus a
conflicting birth date. The weights are here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from inyeon.dataio.duplicates.keys import Person

NAME_WEIGHT = 0.75
EVIDENCE = {"account": 15, "birth_date": 15, "address": 15, "postal_code": 5, "phone_tail": 5}
BIRTH_DATE_CONFLICT = -20
# Pairs whose names are less similar than this are not scored at all (the scan's first cut).
NAME_FLOOR = 80
FUZZY_MAX = 99  # 100 is kept for an exact match


@dataclass(frozen=True)
class Rules:
    exact_email: bool = True
    exact_phone: bool = True
    exact_external_id: bool = True
    fuzzy_enabled: bool = True
    fuzzy_threshold: int = 85


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[str, ...]


def name_similarity(a: Person, b: Person) -> float:
    return fuzz.ratio(a.name, b.name) if a.name and b.name else 0.0


def exact_reasons(a: Person, b: Person, rules: Rules) -> list[str]:
    reasons = []
    if rules.exact_email and a.emails & b.emails:
        reasons.append("email")
    if rules.exact_phone and a.phones & b.phones:
        reasons.append("phone")
    if rules.exact_external_id and a.external_id and a.external_id == b.external_id:
        reasons.append("external_id")
    return reasons


def fuzzy_match(a: Person, b: Person, name_score: float | None = None) -> Match:
    """The fuzzy score of a pair (0-99) and the evidence behind it."""
    similarity = name_similarity(a, b) if name_score is None else name_score
    reasons = ["name"]
    score = NAME_WEIGHT * similarity
    if a.account_id is not None and a.account_id == b.account_id:
        reasons.append("account")
    if a.birth_date is not None and b.birth_date is not None:
        if a.birth_date == b.birth_date:
            reasons.append("birth_date")
        else:
            score += BIRTH_DATE_CONFLICT
    if a.addresses & b.addresses:
        reasons.append("address")
    if a.postal_codes & b.postal_codes:
        reasons.append("postal_code")
    if {n[-4:] for n in a.phones} & {n[-4:] for n in b.phones}:
        reasons.append("phone_tail")
    score += sum(EVIDENCE.get(r, 0) for r in reasons)
    return Match(score=max(0, min(FUZZY_MAX, round(score))), reasons=tuple(reasons))


def match(a: Person, b: Person, rules: Rules, name_score: float | None = None) -> Match | None:
    """The pair's match under `rules`, or None when it is not a candidate."""
    exact = exact_reasons(a, b, rules)
    if exact:
        return Match(score=100, reasons=tuple(exact))
    if not rules.fuzzy_enabled:
        return None
    if name_score is None:
        name_score = name_similarity(a, b)
    if name_score < NAME_FLOOR:
        return None
    found = fuzzy_match(a, b, name_score)
    return found if found.score >= rules.fuzzy_threshold else None
