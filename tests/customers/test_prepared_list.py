"""The contact list compiled once per shape (core.prepared) answers exactly as the plain ORM."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inyeon.analytics.models import CustomerScore
from inyeon.core import prepared, visibility
from inyeon.core.models import RecordShare, User
from inyeon.customers.models import Contact
from inyeon.customers.selectors import ContactFilters, contact_list, contact_rows
from tests.conftest import Personas
from tests.factories import ContactFactory


@pytest.fixture(autouse=True)
def _fresh() -> None:
    prepared.forget_all()
    visibility.forget_shares()


@pytest.fixture
def contacts(people: Personas) -> list[Contact]:
    start = timezone.now() - dt.timedelta(days=30)
    made = []
    for i in range(14):
        owner = people.alice if i % 3 else people.bob
        contact = ContactFactory(owner=owner, lifecycle_stage="existing" if i % 2 else "new")
        # Some share a creation time, so that the id breaks the tie across pages.
        Contact.objects.filter(pk=contact.pk).update(created_at=start + dt.timedelta(hours=i // 2))
        CustomerScore.objects.create(
            contact=contact,
            clv_12m=(i * 7) % 5,
            value_tier="A" if i % 4 else "B",
            r_score=1 + i % 2,
            f_score=1,
        )
        made.append(contact)
    return made


def _walk(user: User, filters: ContactFilters, sort: str, *, rows: bool = False) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        if rows:
            page_rows = contact_rows(
                user=user, filters=filters, fields=("display_name",), sort=sort, cursor=cursor, limit=3
            )
            pages.append([row["id"] for row in page_rows.items])
            cursor = page_rows.next_cursor
        else:
            page = contact_list(user=user, filters=filters, sort=sort, cursor=cursor, limit=3)
            pages.append([c.pk for c in page.items])
            cursor = page.next_cursor
        if cursor is None:
            return pages


CASES = [
    (ContactFilters(), "-created_at"),
    (ContactFilters(lifecycle_stage="existing"), "-created_at"),
    (ContactFilters(lifecycle_stage="new"), "created_at"),
    (ContactFilters(value_tier="A"), "-score.clv_12m"),
    (ContactFilters(lifecycle_stage="existing", value_tier="A"), "score.clv_12m"),
    (ContactFilters(q="김"), "-created_at"),
    # Small-integer fields: a stand-in out of their range makes Django answer without SQL.
    (ContactFilters(r_score=1, f_score=1), "-created_at"),
]


@pytest.mark.parametrize(("filters", "sort"), CASES)
@pytest.mark.parametrize("who", ["alice", "carol", "erin"])
def test_every_page_matches_the_plain_orm(
    people: Personas, contacts: list[Contact], settings: Any, filters: ContactFilters, sort: str, who: str
) -> None:
    user = getattr(people, who)
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 0
    expected = _walk(user, filters, sort)
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    assert _walk(user, filters, sort) == expected
    assert _walk(user, filters, sort) == expected  # now from the compiled entries
    assert sum(len(p) for p in expected) > 0
    # The same pages as rows (`contact_rows`, the API's list), built by the ORM, then compiled.
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 0
    assert _walk(user, filters, sort, rows=True) == expected
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    assert _walk(user, filters, sort, rows=True) == expected
    assert _walk(user, filters, sort, rows=True) == expected


def test_rows_hold_the_fields_asked_for(people: Personas, contacts: list[Contact]) -> None:
    filters = ContactFilters(lifecycle_stage="existing")
    for _ in range(2):  # compiled, then reused
        page = contact_rows(
            user=people.carol, filters=filters, fields=("display_name", "score__clv_12m"), limit=50
        )
        by_id = {c.pk: c for c in contacts}
        assert page.items
        for row in page.items:
            assert set(row) == {"id", "display_name", "score__clv_12m", "created_at"}
            assert row["display_name"] == by_id[row["id"]].display_name
            assert row["score__clv_12m"] == CustomerScore.objects.get(contact_id=row["id"]).clv_12m


def test_a_compiled_page_is_one_query(people: Personas, contacts: list[Contact]) -> None:
    filters = ContactFilters(lifecycle_stage="existing")
    contact_list(user=people.alice, filters=filters, related=("score",))
    with CaptureQueriesContext(connection) as ctx:
        page = contact_list(
            user=people.alice, filters=ContactFilters(lifecycle_stage="new"), related=("score",)
        )
        page = contact_list(user=people.alice, filters=filters, related=("score",))
        assert all(c.score is not None for c in page.items)  # joined, no query per row
    # One each: "new" compiled afresh, "existing" reused; whether alice has shares is remembered.
    assert len(ctx.captured_queries) == 2


def test_a_new_share_shows_in_the_list(people: Personas, contacts: list[Contact]) -> None:
    theirs = ContactFactory(owner=people.oscar, lifecycle_stage="existing")
    filters = ContactFilters(lifecycle_stage="existing")
    assert theirs.pk not in [c.pk for c in contact_list(user=people.alice, filters=filters, limit=200).items]
    RecordShare.objects.create(user=people.alice, record_type="contact", record_id=theirs.pk)
    assert theirs.pk in [c.pk for c in contact_list(user=people.alice, filters=filters, limit=200).items]


def test_a_field_the_list_did_not_fetch_loads_when_read(people: Personas, contacts: list[Contact]) -> None:
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(notes="메모")
    filters = ContactFilters(lifecycle_stage="existing")
    contact_list(user=people.alice, filters=filters, only=("display_name",), related=("score",))
    page = contact_list(user=people.alice, filters=filters, only=("display_name",), related=("score",))
    item = page.items[0]
    assert "notes" in item.get_deferred_fields()
    with CaptureQueriesContext(connection) as ctx:
        assert item.notes == "메모"
    assert len(ctx.captured_queries) == 1
    item.job_title = "과장"
    item.save(update_fields=["job_title"])
    assert Contact.objects.get(pk=item.pk).job_title == "과장"
