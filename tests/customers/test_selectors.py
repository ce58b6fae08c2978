from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inyeon.customers import services
from inyeon.customers.selectors import ContactFilters, contact_list, contact_timeline
from tests.conftest import Personas
from tests.factories import ActivityFactory, ContactFactory, OrderFactory


def names(user: object, q: str) -> list[str]:
    return [c.display_name for c in contact_list(user=user, filters=ContactFilters(q=q)).items]  # type: ignore[arg-type]


def test_hangul_and_western_names_are_found(people: Personas) -> None:
    services.contact_create(
        data={"display_name": "김민수", "emails": ["ms@x.kr"], "phones": ["010-1234-5678"]},
        actor=people.alice,
    )
    services.contact_create(data={"family_name": "Kim", "given_name": "Minsu"}, actor=people.alice)
    services.contact_create(data={"display_name": "이서연"}, actor=people.alice)
    assert names(people.alice, "김민") == ["김민수"]
    assert names(people.alice, "ㄱㅁㅅ") == ["김민수"]
    assert names(people.alice, "김 민수") == ["김민수"]
    assert names(people.alice, "민수") == ["김민수"]
    assert names(people.alice, "minsu") == ["Minsu Kim"]
    assert names(people.alice, "MS@") == ["김민수"]
    assert names(people.alice, "010-1234") == ["김민수"]
    assert names(people.bob, "김민") == []


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "search_name", "-search_name", "-updated_at"])
def test_pages_return_every_row_exactly_once(people: Personas, sort: str) -> None:
    created = {ContactFactory(owner=people.alice).pk for _ in range(11)}
    seen: list[int] = []
    cursor = None
    while True:
        page = contact_list(user=people.alice, filters=ContactFilters(), sort=sort, cursor=cursor, limit=4)
        seen.extend(c.pk for c in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(created)


def test_an_invalid_cursor_names_the_cursor(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        contact_list(user=people.alice, filters=ContactFilters(), cursor="%%%")
    assert "cursor" in exc.value.message_dict


def test_the_timeline_is_newest_first_and_respects_visibility(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    OrderFactory(contact=contact)
    ActivityFactory(contact=contact, owner=people.alice, subject="mine")
    ActivityFactory(contact=contact, owner=people.oscar, team=people.busan, subject="oscar's note")
    services.consent_record(
        contact=contact, channel="sms", status="granted", purpose="p", source="s", actor=people.alice
    )
    entries = contact_timeline(user=people.alice, contact=contact)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert {e.kind for e in entries} >= {"order", "note", "consent"}
    assert "oscar's note" not in [e.title for e in entries]


def test_roles_that_see_masked_data_cannot_search_by_email_or_phone(people: Personas) -> None:
    services.contact_create(
        data={"display_name": "김민수", "emails": ["ms@x.kr"], "phones": ["010-1234-5678"]},
        actor=people.alice,
    )
    for user in (people.dave, people.erin):
        assert names(user, "ms@x.kr") == []
        assert names(user, "010-1234") == []
        assert names(user, "김민") == ["김민수"]
    assert names(people.sam, "ms@x.kr") == ["김민수"]
