"""The configurator's rules, checked on plain data (no Django): which rules a set of chosen options
breaks. The selectors load a product's groups and rules into these shapes and word the messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    id: int
    single: bool
    required: bool
    option_ids: tuple[int, ...]


@dataclass(frozen=True)
class Rule:
    kind: str  # "requires" or "excludes"
    option_id: int
    target_id: int


@dataclass(frozen=True)
class Broken:
    """One broken rule: `kind` is requires, excludes, required_group (nothing chosen in a required
    group) or single_group (more than one chosen in a single-choice group)."""

    kind: str
    option_id: int | None = None
    target_id: int | None = None
    group_id: int | None = None


def broken_rules(chosen: Iterable[int], groups: Sequence[Group], rules: Sequence[Rule]) -> list[Broken]:
    """Every rule the chosen options break, groups first (in their order), then the rules."""
    picked = set(chosen)
    out: list[Broken] = []
    for group in groups:
        count = sum(1 for option_id in group.option_ids if option_id in picked)
        if group.required and count == 0:
            out.append(Broken("required_group", group_id=group.id))
        elif group.single and count > 1:
            out.append(Broken("single_group", group_id=group.id))
    seen_exclusions: set[frozenset[int]] = set()
    for rule in rules:
        if rule.option_id not in picked:
            continue
        if rule.kind == "requires" and rule.target_id not in picked:
            out.append(Broken("requires", option_id=rule.option_id, target_id=rule.target_id))
        elif rule.kind == "excludes" and rule.target_id in picked:
            pair = frozenset((rule.option_id, rule.target_id))
            if pair not in seen_exclusions:  # "A excludes B" and "B excludes A" are one conflict
                seen_exclusions.add(pair)
                out.append(Broken("excludes", option_id=rule.option_id, target_id=rule.target_id))
    return out
