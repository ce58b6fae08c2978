"""On PostgreSQL the contact CSV comes from one COPY; it must be byte for byte the Python path's."""

from __future__ import annotations

import datetime as dt

import pytest

from inyeon.core.models import User
from inyeon.customers.channels import refresh_channel_text
from inyeon.customers.models import Contact, ContactEmail, ContactPhone, Tag
from inyeon.dataio.exports import pgcopy
from inyeon.dataio.exports.rows import HEADERS, export_rows
from inyeon.dataio.exports.selectors import export_count
from inyeon.dataio.exports.services import csv_body
from inyeon.dataio.exports.writers import csv_chunks
from tests.conftest import Personas
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.postgres  # the COPY path is PostgreSQL's; the PostgreSQL run of the suite runs these

AWKWARD = [
    "",
    "=1+1",
    "+82",
    "-5",
    "@a",
    "\tx",
    "\rx",
    'a "quoted", text',
    "line\nbreak",
    "김민수",
    "\\.",
    " ",
]


def python_csv(user: User, filters: dict[str, object]) -> bytes:
    return b"".join(csv_chunks(HEADERS["contacts"], export_rows("contacts", user=user, filters=filters)))


def copy_csv(user: User, filters: dict[str, object]) -> bytes:
    return b"".join(csv_body("contacts", user=user, filters=filters))


@pytest.fixture
def awkward_contacts(people: Personas) -> None:
    account = AccountFactory(owner=people.alice, name="=(주)인연")
    tags = [Tag.objects.create(name=n) for n in ("VIP", "골프", "-b")]
    for i, text in enumerate(AWKWARD):
        owner = people.alice if i % 2 else people.bob
        c = ContactFactory(
            owner=owner,
            external_id=text,
            family_name=text,
            given_name=text,
            display_name=text or "x",
            job_title=text,
            source=text,
            notes=text,
            account=account if i % 3 else None,
            primary_email=["", "a@b.kr", "nodomain", "@lead.kr", "end@"][i % 5],
            primary_phone=["", "+821012345678", "12345", "+8210"][i % 4],
            birth_date=None if i % 4 == 0 else dt.date(1900 + i, 1 + i % 12, 1 + i),
            created_at=dt.datetime(2026, 1, 2, 3, 4, 5, 999_999 * (i % 2), tzinfo=dt.UTC),
        )
        if i % 2:  # primary values on the contact, additional ones in the channel rows
            primary = {"primary_email": f"first{i}@x.kr", "primary_phone": "+821099998888"}
            Contact.objects.filter(pk=c.pk).update(**primary)
            ContactEmail.objects.create(contact=c, email=f"second{i}@x.kr")
            ContactPhone.objects.create(contact=c, number="+82212345678")
            c.tags.add(*tags[: i % 4])
        if i == 4:  # a masked e-mail keeps its first letter: a formula start stays neutralised
            Contact.objects.filter(pk=c.pk).update(primary_email="=calc@x.kr")
            ContactEmail.objects.create(contact=c, email="plain@x.kr")
        refresh_channel_text([c.pk])  # rows written here, not through a service


@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "oscar", "root"])
def test_copy_writes_exactly_what_the_python_path_writes(
    people: Personas, awkward_contacts: None, persona: str
) -> None:
    user = getattr(people, persona)
    expected = python_csv(user, {})
    assert copy_csv(user, {}) == expected
    if persona != "oscar":
        assert expected.count(b"\n") >= 7  # the header and at least half of the contacts


def test_copy_keeps_the_lists_filters(people: Personas, awkward_contacts: None) -> None:
    filters = {"owner_id": people.alice.pk, "tag": "VIP", "q": "김"}
    for persona in (people.carol, people.dave):
        assert copy_csv(persona, filters) == python_csv(persona, filters)


@pytest.mark.django_db(transaction=True)
def test_a_large_table_is_copied_in_two_halves_giving_the_same_bytes(
    people: Personas, awkward_contacts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction a large table is split between two connections reading one snapshot;
    the file is the single COPY's (and the Python path's), byte for byte, for every scope."""
    halves: list[str] = []
    run = pgcopy._UpperHalf.run

    def counted(self: pgcopy._UpperHalf) -> None:
        halves.append(self.statement)
        run(self)

    monkeypatch.setattr(pgcopy._UpperHalf, "run", counted)
    monkeypatch.setattr(pgcopy, "PARALLEL_MIN_ROWS", -1)  # every table counts as large
    counts: list[int] = []
    for persona in ("alice", "dave", "root"):
        user = getattr(people, persona)
        expected = python_csv(user, {})
        got = b"".join(csv_body("contacts", user=user, filters={}, on_rows=counts.append))
        assert got == expected
        assert counts[-1] == export_count("contacts", user=user, filters={}) > 0
    assert len(halves) == 3
    # The masked "=calc@x.kr;plain@x.kr" keeps a formula start, so it is neutralised.
    assert "'=•••@x.kr;p•••@x.kr".encode() in python_csv(people.dave, {})
