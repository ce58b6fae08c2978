from __future__ import annotations

from inyeon.core.services import team_ensure
from inyeon.customers.selectors import contacts_visible
from inyeon.customers.services import record_share
from tests.conftest import Personas
from tests.factories import ContactFactory


def test_a_rep_sees_own_contacts_only(people: Personas) -> None:
    mine = ContactFactory(owner=people.alice)
    ContactFactory(owner=people.bob)
    assert list(contacts_visible(people.alice)) == [mine]


def test_a_rep_sees_records_shared_with_them(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    record_share(record_type="contact", record_id=bobs.pk, user=people.alice, actor=people.bob)
    assert bobs in contacts_visible(people.alice)
    assert bobs not in contacts_visible(people.oscar)


def test_a_manager_sees_the_team_and_its_sub_teams(people: Personas) -> None:
    a = ContactFactory(owner=people.alice)
    b = ContactFactory(owner=people.bob)
    o = ContactFactory(owner=people.oscar)
    seen = set(contacts_visible(people.carol))
    assert {a, b} <= seen
    assert o not in seen


def test_a_deeper_sub_team_is_in_the_managers_reach(people: Personas) -> None:
    squad = team_ensure(name="Gangnam squad", parent=people.gangnam)
    people.bob.team = squad
    people.bob.save()
    c = ContactFactory(owner=people.bob)
    assert c in contacts_visible(people.carol)


def test_admin_and_analyst_see_all(people: Personas) -> None:
    contacts = {ContactFactory(owner=people.alice), ContactFactory(owner=people.oscar)}
    assert set(contacts_visible(people.root)) == contacts
    assert set(contacts_visible(people.erin)) == contacts


def test_an_inactive_user_sees_nothing(people: Personas) -> None:
    ContactFactory(owner=people.alice)
    people.alice.is_active = False
    people.alice.save()
    assert not contacts_visible(people.alice).exists()
