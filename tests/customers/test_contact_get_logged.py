"""`contact_get(access=...)`: the read writes its access-log row itself (on PostgreSQL in the
read's own statement), for exactly the contact it shows and only when personal data was shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inyeon.core import prepared
from inyeon.core.models import AccessLog
from inyeon.customers.models import Address, Contact
from inyeon.customers.privacy import pii_access
from inyeon.customers.selectors import contact_get
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
