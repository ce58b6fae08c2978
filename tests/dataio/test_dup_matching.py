"""The match rules and the blocking, on `Person` rows (no database)."""

from __future__ import annotations

import datetime as dt

from inyeon.dataio.duplicates import blocking
from inyeon.dataio.duplicates.blocking import find_candidates
from inyeon.dataio.duplicates.keys import person
from inyeon.dataio.duplicates.matching import Rules, match

BIRTH = dt.date(1988, 3, 2)


def kim(id: int, **kw: object) -> object:
    defaults = {"family_name": "김", "given_name": "민수", "display_name": "김민수"}
    return person(id=id, **{**defaults, **kw})  # type: ignore[arg-type]


def test_the_same_email_in_other_case_is_an_exact_match() -> None:
    a = person(id=1, family_name="", given_name="", display_name="A", email="Minsu@Example.kr ")
    b = person(id=2, family_name="", given_name="", display_name="Zed", email="minsu@example.kr")
    assert match(a, b, Rules()) is not None
    assert match(a, b, Rules()).score == 100  # type: ignore[union-attr]
    assert match(a, b, Rules(exact_email=False, fuzzy_enabled=False)) is None


def test_the_same_phone_and_the_same_external_id_are_exact_matches() -> None:
    a = person(
        id=1, family_name="", given_name="", display_name="A", phone="+821012345678", external_id="X-1"
    )
    b = person(
        id=2, family_name="", given_name="", display_name="B", phone="+821012345678", external_id="x-1"
    )
    assert match(a, b, Rules()).reasons == ("phone", "external_id")  # type: ignore[union-attr]
    assert match(a, b, Rules(exact_phone=False)).reasons == ("external_id",)  # type: ignore[union-attr]
    assert match(a, b, Rules(exact_phone=False, exact_external_id=False, fuzzy_enabled=False)) is None


def test_kim_minsu_in_three_writings_with_one_birth_date_are_candidates() -> None:
    people = [
        kim(1, birth_date=BIRTH),
        kim(2, family_name="", given_name="", display_name="김 민수", birth_date=BIRTH),
        kim(3, family_name="", given_name="", display_name="Kim Minsu", birth_date=BIRTH),
    ]
    found = find_candidates(people, Rules())
    assert set(found) == {(1, 2), (1, 3), (2, 3)}
    assert all(m.reasons == ("name", "birth_date") and m.score == 90 for m in found.values())


def test_a_similar_name_alone_is_not_enough() -> None:
    assert match(kim(1), kim(2), Rules()) is None


def test_a_conflicting_birth_date_lowers_the_score() -> None:
    a, b = kim(1, birth_date=BIRTH, account_id=5), kim(2, birth_date=dt.date(1990, 1, 1), account_id=5)
    assert match(a, b, Rules()) is None
    assert match(a, kim(3, birth_date=BIRTH, account_id=5), Rules()).score == 99  # type: ignore[union-attr]


def test_the_threshold_is_the_admins() -> None:
    a, b = kim(1, account_id=5), kim(2, account_id=5)
    assert match(a, b, Rules(fuzzy_threshold=90)) is not None
    assert match(a, b, Rules(fuzzy_threshold=91)) is None
    assert match(a, b, Rules(fuzzy_enabled=False)) is None


def test_pairs_that_share_no_block_are_never_compared(monkeypatch: object) -> None:
    compared: list[int] = []
    real = blocking._similar_in_block

    def counting(people, members, focus):  # type: ignore[no-untyped-def]
        compared.append(len(members))
        return real(people, members, focus)

    monkeypatch.setattr(blocking, "_similar_in_block", counting)  # type: ignore[attr-defined]
    people = [kim(i, birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=i)) for i in range(1, 201)]
    people += [kim(1000, birth_date=BIRTH), kim(1001, birth_date=BIRTH)]
    found = find_candidates(people, Rules())
    assert set(found) == {(1000, 1001)}
    assert compared == [2]  # one block of two, not 202 * 201 / 2 pairs


def _word(i: int) -> str:
    """A name of its own for each i, in letters that no spelling fold changes."""
    letters = "lmnvwz"
    return "".join(letters[i // 6**k % 6] for k in range(3)) + "a"


def test_a_large_block_is_walked_as_a_sorted_neighbourhood(monkeypatch: object) -> None:
    monkeypatch.setattr(blocking, "BLOCK_CAP", 10)  # type: ignore[attr-defined]
    people = [
        person(id=i, family_name="", given_name="", display_name=_word(i), account_id=1) for i in range(1, 60)
    ]
    people += [kim(100, account_id=1, birth_date=BIRTH), kim(101, account_id=1, birth_date=BIRTH)]
    assert set(find_candidates(people, Rules())) == {(100, 101)}


def test_a_shared_placeholder_email_links_to_the_lowest_id_only() -> None:
    people = [
        person(id=i, family_name="", given_name="", display_name=f"P{i}", email="none@none.kr")
        for i in range(1, 61)
    ]
    found = find_candidates(people, Rules(fuzzy_enabled=False))
    assert len(found) == 59 and all(a == 1 for a, _ in found)


def test_focus_finds_only_pairs_of_the_new_contacts() -> None:
    people = [kim(1, birth_date=BIRTH), kim(2, birth_date=BIRTH), kim(3, birth_date=BIRTH)]
    assert set(find_candidates(people, Rules(), focus={3})) == {(1, 3), (2, 3)}
