"""core.prepared: a visibility-scoped read compiled once must still answer exactly as the ORM."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inyeon.core import memory, prepared
from inyeon.core.models import RecordShare
from inyeon.core.services import team_ensure
from inyeon.customers.models import Contact
from inyeon.customers.selectors import ContactFilters, contact_get, contact_list
from tests.conftest import Personas
from tests.factories import AccountFactory, ContactFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> None:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    prepared.forget_all()


def test_the_read_matches_the_orm_with_its_joined_rows_and_one_query(people: Personas) -> None:
    account = AccountFactory(owner=people.alice, name="(주)인연")
    contact = ContactFactory(owner=people.alice, account=account, job_title="과장")
    contact_get(user=people.alice, pk=contact.pk)  # compiles
    with CaptureQueriesContext(connection) as ctx:
        got = contact_get(user=people.alice, pk=contact.pk)
        assert got.account is not None and got.account.name == "(주)인연"
    assert len(ctx.captured_queries) == 1
    orm = Contact.objects.get(pk=contact.pk)
    for field in Contact._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(orm, field.attname), field.name
    assert got._state.adding is False and got._state.db == "default"


def test_another_users_contact_is_not_found_through_the_compiled_read(people: Personas) -> None:
    mine = ContactFactory(owner=people.alice)
    theirs = ContactFactory(owner=people.oscar)
    assert contact_get(user=people.alice, pk=mine.pk) == mine
    with pytest.raises(Contact.DoesNotExist):
        contact_get(user=people.alice, pk=theirs.pk)
    RecordShare.objects.create(user=people.alice, record_type="contact", record_id=theirs.pk)
    assert contact_get(user=people.alice, pk=theirs.pk) == theirs  # shares are read live


def test_a_new_sub_team_is_seen_by_its_manager_at_once(people: Personas) -> None:
    outside = ContactFactory(owner=people.oscar)
    with pytest.raises(Contact.DoesNotExist):
        contact_get(user=people.carol, pk=outside.pk)
    jongno = team_ensure(name="Jongno", parent=people.seoul)
    rep = UserFactory(username="jin", role="sales_rep", team=jongno)
    contact = ContactFactory(owner=rep)
    assert contact_get(user=people.carol, pk=contact.pk) == contact


def test_a_role_change_gives_another_filter(people: Personas) -> None:
    theirs = ContactFactory(owner=people.oscar)
    with pytest.raises(Contact.DoesNotExist):
        contact_get(user=people.alice, pk=theirs.pk)
    people.alice.role = "admin"
    people.alice.save(update_fields=["role"])
    assert contact_get(user=people.alice, pk=theirs.pk) == theirs


def test_an_entry_is_compiled_again_after_the_ttl(people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    contact = ContactFactory(owner=people.carol)
    contact_get(user=people.carol, pk=contact.pk)
    with CaptureQueriesContext(connection) as ctx:
        contact_get(user=people.carol, pk=contact.pk)
    assert len(ctx.captured_queries) == 1  # no sub-team lookup
    now = memory.time.monotonic()
    monkeypatch.setattr(memory.time, "monotonic", lambda: now + 11)
    with CaptureQueriesContext(connection) as ctx:
        contact_get(user=people.carol, pk=contact.pk)
    assert len(ctx.captured_queries) > 1  # built again: the sub-teams are read afresh


def test_an_inactive_user_finds_nothing(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    people.alice.is_active = False
    with pytest.raises(Contact.DoesNotExist):
        contact_get(user=people.alice, pk=contact.pk)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_the_contact_by_id_is_planned_once_per_connection_and_a_list_page_each_time(
    people: Personas,
) -> None:
    """The read by id binds its value on the server, and psycopg keeps it prepared after a few
    runs (PostgreSQL then plans it once); reads whose plan depends on the values (a list page, a
    search) are bound on the client and planned each time."""
    contacts = [ContactFactory(owner=people.alice) for _ in range(7)]
    for contact in contacts:
        assert contact_get(user=people.alice, pk=contact.pk) == contact
        contact_list(user=people.alice, filters=ContactFilters())
    statements = _prepared_statements()
    assert any('"customers_contact"."id" = $' in s for s in statements), statements
    assert len(statements) == 1 and "LIMIT" not in statements[0], statements  # no list page
