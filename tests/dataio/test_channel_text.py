"""`Contact.emails_text`, `phones_text` and `tags_text` match the channels (the primary values on
the contact, the additional ones in the channel rows) after every write path that changes e-mails,
phones or tags: the customers services, the import (its COPY path on PostgreSQL, `bulk.insert`),
the merge and its undo, and the demo generator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from inyeon.customers.models import Contact, ContactEmail, ContactPhone, Tag
from inyeon.customers.services import contact_create, contact_update
from inyeon.dataio.duplicates.merge import contacts_merge, merge_undo
from tests.conftest import Personas
from tests.dataio.test_import_contacts import run, write_csv
from tests.demo.test_demo import _generate

pytestmark = pytest.mark.django_db


def from_rows(contact_id: int) -> tuple[str, str, str]:
    """The three texts as the channels give them: e-mails and phones primary (on the contact)
    first then the channel rows by id, tag names in code-point order."""
    email, phone = Contact.objects.values_list("primary_email", "primary_phone").get(pk=contact_id)
    emails = ContactEmail.objects.filter(contact_id=contact_id).order_by("id").values_list("email")
    phones = ContactPhone.objects.filter(contact_id=contact_id).order_by("id").values_list("number")
    tags = Tag.objects.filter(contacts__id=contact_id).values_list("name", flat=True)
    return (
        ";".join(e for e in (email, *(e for (e,) in emails)) if e),
        ";".join(p for p in (phone, *(p for (p,) in phones)) if p),
        ";".join(sorted(tags)),
    )


def stored(contact_id: int) -> tuple[str, str, str]:
    return Contact.objects.values_list("emails_text", "phones_text", "tags_text").get(pk=contact_id)


def assert_all_match() -> None:
    ids = list(Contact.objects.values_list("pk", flat=True))
    assert ids
    for pk in ids:
        assert stored(pk) == from_rows(pk), pk


def test_services_keep_the_text_on_create_and_update(people: Personas) -> None:
    contact = contact_create(
        data={
            "display_name": "김민수",
            "emails": ["b@example.kr", "a@example.kr"],
            "phones": ["010-1234-5678", "02-123-4567"],
            "tags": ["골프", "VIP", "=위험"],
        },
        actor=people.alice,
    )
    assert stored(contact.pk) == (
        "b@example.kr;a@example.kr",
        "+821012345678;+8221234567",
        "=위험;VIP;골프",
    )
    assert stored(contact.pk) == from_rows(contact.pk)
    contact_update(contact=contact, data={"emails": ["c@example.kr"], "tags": ["nb"]}, actor=people.alice)
    assert stored(contact.pk) == ("c@example.kr", "+821012345678;+8221234567", "nb")
    contact_update(contact=contact, data={"phones": [], "tags": []}, actor=people.alice)
    assert stored(contact.pk) == ("c@example.kr", "", "") == from_rows(contact.pk)


@pytest.fixture
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


def test_the_import_keeps_the_text_of_new_and_updated_contacts(
    people: Personas, tmp_path: Path, media: None
) -> None:
    rows = [
        ["Name", "Email", "Mobile", "Tags"],
        ["김민수", "k@example.kr; second@example.kr", "010-1111-2222; 010-3333-4444", "서울; vip"],
        ["이서연", "s@example.kr", "", ""],
        ["박지영", "", "010-5555-6666", "vip"],
    ]
    job = run(write_csv(tmp_path / "new.csv", rows), people.alice)
    assert job.created_count == 3, job.errors
    kim = Contact.objects.get(display_name="김민수")
    assert stored(kim.pk) == ("k@example.kr;second@example.kr", "+821011112222;+821033334444", "vip;서울")
    assert_all_match()
    # A second file adds an e-mail, a phone and a tag to existing contacts (the update path).
    more = [
        ["Name", "Email", "Mobile", "Tags"],
        ["김민수", "k@example.kr; third@example.kr", "", "골프"],
        ["이서연", "s@example.kr", "010-7777-8888", ""],
    ]
    job = run(write_csv(tmp_path / "more.csv", more), people.alice)
    assert job.updated_count == 2, job.errors
    emails, _phones, tags = stored(kim.pk)
    assert "third@example.kr" in emails.split(";") and "골프" in tags.split(";")
    seoyeon = Contact.objects.get(display_name="이서연")
    assert stored(seoyeon.pk)[1] == "+821077778888"
    assert_all_match()


def test_the_merge_and_its_undo_keep_the_text(people: Personas) -> None:
    survivor = contact_create(
        data={
            "display_name": "김민수",
            "emails": ["minsu@example.kr"],
            "phones": ["010-1111-2222"],
            "tags": ["vip"],
        },
        actor=people.alice,
    )
    merged = contact_create(
        data={
            "display_name": "Kim Minsu",
            "emails": ["kim@work.kr", "minsu@example.kr"],
            "phones": ["010-9999-8888"],
            "tags": ["seminar", "vip"],
        },
        actor=people.alice,
    )
    before = stored(survivor.pk), stored(merged.pk)
    record = contacts_merge(survivor=survivor, merged=merged, choices={}, actor=people.carol)
    emails, phones, tags = stored(survivor.pk)
    assert set(emails.split(";")) == {"minsu@example.kr", "kim@work.kr"}
    assert phones == "+821011112222;+821099998888" and tags == "seminar;vip"
    assert_all_match()
    merge_undo(record=record, actor=people.carol)
    assert (stored(survivor.pk), stored(merged.pk)) == before
    assert_all_match()


def test_the_demo_generator_keeps_the_text() -> None:
    _generate(contacts=120)
    assert Contact.objects.exclude(tags_text="").exists()
    assert_all_match()
