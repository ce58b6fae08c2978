"""Finding candidate pairs among many contacts without comparing every pair.

Exact keys (e-mail, phone, external id) group contacts directly. Names are compared only inside
blocks of contacts that share something else (account, birth date, address, postal code, the
phone's last four digits), with rapidfuzz's `cdist` over the whole block at once; a block too large
for that is walked as a sorted neighbourhood (sorted by name, each compared with the next few).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from inyeon.dataio.duplicates.keys import BLOCK_KINDS, EXACT_KINDS, Person, blocking_keys, exact_keys
from inyeon.dataio.duplicates.matching import NAME_FLOOR, Match, Rules, match

# An exact key shared by more contacts than this (a placeholder e-mail, a switchboard number) links
# each of them to the lowest id only, instead of every pair.
EXACT_GROUP_CAP = 50
# Blocks up to this size are compared all-against-all; larger ones by sorted neighbourhood.
BLOCK_CAP = 1000
SMALL_BLOCK = 12
WINDOW = 20

Pair = tuple[int, int]
Progress = Callable[[float, str], None]


def _ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def _groups(
    people: Sequence[Person], kinds: Iterable[str], keys: Callable[[Person, str], Iterable[Hashable]]
) -> Iterable[list[int]]:
    """Groups of two or more people sharing a key, one kind of key at a time."""
    for kind in kinds:
        groups: dict[Hashable, list[int]] = defaultdict(list)
        for i, p in enumerate(people):
            for key in keys(p, kind):
                groups[key].append(i)
        yield from (members for members in groups.values() if len(members) > 1)


def _exact_pairs(people: Sequence[Person], rules: Rules, focus: set[int] | None) -> set[Pair]:
    kinds = [
        kind
        for kind, on in zip(
            EXACT_KINDS, (rules.exact_email, rules.exact_phone, rules.exact_external_id), strict=True
        )
        if on
    ]
    pairs: set[Pair] = set()
    for members in _groups(people, kinds, exact_keys):
        if focus is not None and not any(people[m].id in focus for m in members):
            continue
        if len(members) > EXACT_GROUP_CAP:
            first = min(members, key=lambda i: people[i].id)
            pairs.update(_ordered(first, m) for m in members if m != first)
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add(_ordered(i, j))
    if focus is not None:
        pairs = {(i, j) for i, j in pairs if people[i].id in focus or people[j].id in focus}
    return pairs


def _similar_in_block(
    people: Sequence[Person], members: list[int], focus: set[int] | None
) -> Iterable[tuple[int, int, float]]:
    """(i, j, name similarity) of the pairs in one block whose names are at least NAME_FLOOR alike."""
    rows = members if focus is None else [m for m in members if people[m].id in focus]
    if not rows:
        return
    if len(members) <= SMALL_BLOCK:
        # Most blocks hold a handful of people: one C call per pair beats building a matrix.
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if focus is not None and people[i].id not in focus and people[j].id not in focus:
                    continue
                score = fuzz.ratio(people[i].name, people[j].name, score_cutoff=NAME_FLOOR)
                if score:
                    yield i, j, score
        return
    if len(members) <= BLOCK_CAP:
        names = [people[m].name for m in members]
        row_names = names if rows is members else [people[m].name for m in rows]
        scores = process.cdist(row_names, names, scorer=fuzz.ratio, score_cutoff=NAME_FLOOR, dtype=np.uint8)
        for r, c in zip(*np.nonzero(scores), strict=True):
            i, j = rows[r], members[c]
            if i != j and (focus is not None or i < j):
                yield i, j, float(scores[r, c])
        return
    ordered = sorted(members, key=lambda m: people[m].name)
    for x, i in enumerate(ordered):
        for j in ordered[x + 1 : x + 1 + WINDOW]:
            if focus is not None and people[i].id not in focus and people[j].id not in focus:
                continue
            score = fuzz.ratio(people[i].name, people[j].name, score_cutoff=NAME_FLOOR)
            if score:
                yield i, j, score


def find_candidates(
    people: Sequence[Person],
    rules: Rules,
    *,
    focus: set[int] | None = None,
    on_progress: Progress | None = None,
) -> dict[Pair, Match]:
    """Candidate pairs (lower contact id first) among `people` with their match.

    With `focus` (contact ids), only pairs that involve one of them are looked for.
    """
    found: dict[Pair, Match] = {}
    if on_progress:
        on_progress(0.0, "exact")
    for i, j in _exact_pairs(people, rules, focus):
        result = match(people[i], people[j], rules)
        if result is not None:
            found[_ordered(people[i].id, people[j].id)] = result
    if not rules.fuzzy_enabled:
        return found
    if on_progress:
        on_progress(0.1, "comparing")
    similar: dict[Pair, float] = {}
    for n, members in enumerate(_groups(people, BLOCK_KINDS, blocking_keys)):
        if focus is not None and not any(people[m].id in focus for m in members):
            continue
        for i, j, score in _similar_in_block(people, members, focus):
            similar[_ordered(i, j)] = score
        if on_progress and n % 20000 == 0:
            on_progress(0.1 + 0.7 * min(1.0, n / max(1, len(people) / 5)), "comparing")
    if on_progress:
        on_progress(0.8, "scoring")
    for (i, j), score in similar.items():
        pair = _ordered(people[i].id, people[j].id)
        if pair in found:
            continue
        result = match(people[i], people[j], rules, name_score=score)
        if result is not None:
            found[pair] = result
    return found
