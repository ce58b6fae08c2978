"""The configurator's rules on plain data."""

from __future__ import annotations

from inyeon.catalog.rules import Broken, Group, Rule, broken_rules

COLOUR = Group(id=1, single=True, required=True, option_ids=(11, 12))
EXTRAS = Group(id=2, single=False, required=False, option_ids=(21, 22, 23))


def test_a_valid_configuration_breaks_nothing() -> None:
    assert broken_rules([11, 21, 22], [COLOUR, EXTRAS], [Rule("requires", 21, 11)]) == []


def test_a_required_group_needs_a_choice() -> None:
    assert broken_rules([21], [COLOUR, EXTRAS], []) == [Broken("required_group", group_id=1)]


def test_a_single_choice_group_takes_one() -> None:
    assert broken_rules([11, 12], [COLOUR, EXTRAS], []) == [Broken("single_group", group_id=1)]


def test_requires_needs_the_target() -> None:
    assert broken_rules([11, 22], [COLOUR, EXTRAS], [Rule("requires", 22, 12)]) == [
        Broken("requires", option_id=22, target_id=12)
    ]


def test_excludes_is_reported_once_even_when_declared_both_ways() -> None:
    rules = [Rule("excludes", 21, 23), Rule("excludes", 23, 21)]
    assert broken_rules([11, 21, 23], [COLOUR, EXTRAS], rules) == [
        Broken("excludes", option_id=21, target_id=23)
    ]
    assert broken_rules([11, 21], [COLOUR, EXTRAS], rules) == []
