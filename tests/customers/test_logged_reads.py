"""`contact_get` / `contact_rows` with `access=`: the read writes its access-log row itself (on
PostgreSQL in the read's own statement), for exactly the contacts it shows and only for those
whose personal data was shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inyeon.core import prepared
from inyeon.core.hangul import search_key
from inyeon.core.models import AccessLog
from inyeon.customers.models import Address, Contact
from inyeon.customers.privacy import SHOWN_WHEN, pii_access
from inyeon.customers.selectors import ContactFilters, contact_get, contact_rows
from tests.conftest import Personas
from tests.factories import AccountFactory, ContactFactory


@pytest.fixture(params=[True, False], ids=["compiled", "orm"])
def compiled(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10 if request.param else 0
    prepared.forget_all()
    return bool(request.param)


def _access(people: Personas, user: Any = None) -> Any:
    return pii_access(user=user or people.alice, action=AccessLog.Action.API, ip="10.1.2.3", detail="detail")


def test_showing_a_contact_logs_it_once_with_who_how_and_where(people: Personas, compiled: bool) -> None:
    account = AccountFactory(owner=people.alice, name="(주)인연")
    contact = ContactFactory(owner=people.alice, account=account)
    Address.objects.create(contact=contact, region="서울특별시", city="강남구", line1="테헤란로 1")
    before = timezone.now()
    for _ in range(2):  # the second read runs the compiled statement, when compiling is on
        got = contact_get(user=people.alice, pk=contact.pk, access=_access(people))
    assert got == contact and got.account is not None and got.account.name == "(주)인연"
    assert got.primary_email == contact.primary_email and got.birth_date == dt.date(1990, 5, 17)
    logs = list(AccessLog.objects.order_by("id"))
    assert len(logs) == 2
    log = logs[-1]
    assert log.subject_ids == [contact.pk] and log.subject_type == "contact"
    assert (log.actor_id, log.actor_name) == (people.alice.pk, "alice")
    assert (log.action, log.ip, log.detail) == ("api", "10.1.2.3", "detail")
    assert before <= log.at <= timezone.now()


def test_the_compiled_read_writes_its_log_in_the_same_statement_on_postgresql(people: Personas) -> None:
    prepared.forget_all()
    contact = ContactFactory(owner=people.alice)
    contact_get(user=people.alice, pk=contact.pk, access=_access(people))  # compiles
    with CaptureQueriesContext(connection) as ctx:
        contact_get(user=people.alice, pk=contact.pk, access=_access(people))
    expected = 1 if connection.vendor == "postgresql" else 2
    assert len(ctx.captured_queries) == expected
    assert AccessLog.objects.count() == 2
    fields = ("display_name", *SHOWN_WHEN)
    for _ in range(2):  # compiles, then runs compiled
        with CaptureQueriesContext(connection) as ctx:
            contact_rows(user=people.alice, filters=ContactFilters(), fields=fields, access=_access(people))
    assert len(ctx.captured_queries) == expected
    assert AccessLog.objects.count() == 4


def test_a_contact_without_personal_data_is_shown_but_not_logged(people: Personas, compiled: bool) -> None:
    bare = ContactFactory(owner=people.alice, primary_email="", primary_phone="", birth_date=None)
    for _ in range(2):
        assert contact_get(user=people.alice, pk=bare.pk, access=_access(people)) == bare
    assert not AccessLog.objects.exists()
    with_birth_date_only = ContactFactory(owner=people.alice, primary_email="", primary_phone="")
    contact_get(user=people.alice, pk=with_birth_date_only.pk, access=_access(people))
    assert AccessLog.objects.get().subject_ids == [with_birth_date_only.pk]


def test_a_contact_the_user_may_not_see_is_neither_found_nor_logged(people: Personas, compiled: bool) -> None:
    theirs = ContactFactory(owner=people.oscar)
    for _ in range(2):
        with pytest.raises(Contact.DoesNotExist):
            contact_get(user=people.alice, pk=theirs.pk, access=_access(people))
    assert not AccessLog.objects.exists()


def test_a_role_without_personal_data_owes_no_log(people: Personas, compiled: bool) -> None:
    contact = ContactFactory(owner=people.dave)
    assert pii_access(user=people.dave, action=AccessLog.Action.API, ip=None) is None
    assert contact_get(user=people.dave, pk=contact.pk, access=None) == contact
    assert not AccessLog.objects.exists()


@pytest.mark.postgres
def test_a_failing_log_write_fails_the_read(people: Personas, compiled: bool) -> None:
    """A read whose log row cannot be written shows nothing (SQLite does not refuse long texts)."""
    contact = ContactFactory(owner=people.alice)
    contact_get(user=people.alice, pk=contact.pk, access=_access(people))
    bad = pii_access(user=people.alice, action="a" * 40, ip="10.1.2.3")  # longer than the column
    with pytest.raises(DataError, match="too long"), transaction.atomic():
        contact_get(user=people.alice, pk=contact.pk, access=bad)
    assert AccessLog.objects.count() == 1


def test_a_list_page_logs_the_contacts_it_shows_not_the_one_read_ahead(
    people: Personas, compiled: bool
) -> None:
    """A keyset page reads one row more than it shows, to know whether another page follows."""
    bare = ContactFactory(owner=people.alice, primary_email="", primary_phone="", birth_date=None)
    others = [ContactFactory(owner=people.alice) for _ in range(4)]
    ContactFactory(owner=people.oscar)  # not visible to alice
    fields = ("display_name", *SHOWN_WHEN)
    access = _access(people)
    seen: list[int] = []
    cursor = None
    for _ in range(3):
        logs_before = AccessLog.objects.count()
        page = contact_rows(
            user=people.alice, filters=ContactFilters(), fields=fields, limit=2, cursor=cursor, access=access
        )
        shown = [row["id"] for row in page.items]
        seen += shown
        expected = [pk for pk in shown if pk != bare.pk]  # in the page's order
        new = list(AccessLog.objects.order_by("id"))[logs_before:]
        assert [log.subject_ids for log in new] == ([expected] if expected else [])
        cursor = page.next_cursor
    assert cursor is None
    assert sorted(seen) == sorted([bare.pk, *(c.pk for c in others)])
    assert AccessLog.objects.count() == 2  # the page holding only `bare` wrote none


def test_a_list_page_with_no_personal_data_writes_no_log(people: Personas, compiled: bool) -> None:
    ContactFactory(owner=people.alice, primary_email="", primary_phone="", birth_date=None)
    page = contact_rows(
        user=people.alice, filters=ContactFilters(), fields=SHOWN_WHEN, limit=5, access=_access(people)
    )
    assert len(page.items) == 1
    assert not AccessLog.objects.exists()


def test_a_searched_page_is_logged_the_same_way(people: Personas, compiled: bool) -> None:
    """Searches are never compiled: the page is logged after it is read, by the same rule."""
    found = [ContactFactory(owner=people.alice, family_name="박", given_name=f"서연{i}") for i in range(3)]
    for contact in found:
        contact.display_name, contact.search_name = f"박서연{contact.pk}", search_key(f"박서연{contact.pk}")
        contact.save()
    page = contact_rows(
        user=people.alice,
        filters=ContactFilters(q="박서"),
        fields=SHOWN_WHEN,
        limit=2,
        access=_access(people),
    )
    assert len(page.items) == 2 and page.next_cursor
    assert AccessLog.objects.get().subject_ids == [row["id"] for row in page.items]
