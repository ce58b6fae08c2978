"""Property tests: export -> import round-trips every field, a second import of the same file is a
no-op, and a strict import with one bad row writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inyeon.customers.channels import emails_of, phones_of
from inyeon.customers.models import Account, Contact
from inyeon.customers.services import contact_create
from inyeon.dataio.exports.services import export_write
from inyeon.dataio.imports.services import import_execute, import_request
from inyeon.dataio.models import JobStatus
from tests.conftest import Personas

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
NAME = st.one_of(st.text(HANGUL, min_size=1, max_size=3), st.text(LATIN, min_size=1, max_size=8))
# Free text: commas, quotes, newlines, Hangul and the characters a spreadsheet would run as a formula.
TEXT = st.text(st.one_of(HANGUL, LATIN, st.sampled_from(" ,;\"'=+-@\n0123456789")), max_size=40).map(
    str.strip
)
PHONES = [
    "010-2345-6789",
    "02-312-3456",
    "+1 650 253 0000",
    "010-3456-7890",
    "031-789-1234",
    "+44 20 7946 0958",
]
TAG = (
    st.text(st.one_of(HANGUL, LATIN, st.sampled_from("-=+@ ")), min_size=1, max_size=10)
    .map(str.strip)
    .filter(bool)
)

person = st.fixed_dictionaries(
    {
        "family_name": NAME,
        "given_name": NAME,
        "emails": st.lists(
            st.from_regex(r"[a-z]{1,8}\.[a-z0-9]{1,6}@example\.(kr|com)", fullmatch=True),
            max_size=2,
            unique=True,
        ),
        "phones": st.lists(st.sampled_from(PHONES), max_size=2, unique=True),
        "birth_date": st.one_of(st.none(), st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31))),
        "preferred_channel": st.sampled_from(["", "email", "sms", "phone", "mail", "in_person"]),
        "language": st.sampled_from(["ko", "en", "ja", "zh"]),
        "tags": st.lists(TAG, max_size=3, unique=True),
        "source": TEXT.map(lambda t: t[:60]),
        "job_title": TEXT,
        "notes": TEXT,
        "lifecycle_stage": st.sampled_from(["prospect", "new", "existing", "core", "churned"]),
        "account": st.sampled_from(["", "인연상사", "=Acme, Inc."]),
    }
)

FIELDS = (
    "external_id",
    "family_name",
    "given_name",
    "display_name",
    "name_order",
    "birth_date",
    "preferred_channel",
    "language",
    "source",
    "job_title",
    "notes",
    "lifecycle_stage",
)


def snapshot() -> dict[str, dict[str, Any]]:
    out = {}
    for c in Contact.objects.select_related("account", "owner").prefetch_related("emails", "phones", "tags"):
        out[c.external_id] = {
            **{f: getattr(c, f) for f in FIELDS},
            "emails": emails_of(c),
            "phones": phones_of(c),
            "tags": sorted(t.name for t in c.tags.all()),
            "account": c.account.name if c.account else "",
            "owner": c.owner.username,
        }
    return out


def make(people: Personas, persons: list[dict[str, Any]]) -> None:
    for i, p in enumerate(persons):
        account = None
        if p["account"]:
            account = Account.objects.get_or_create(name=p["account"], defaults={"owner": people.root})[0].pk
        data = {k: v for k, v in p.items() if k != "account"}
        contact_create(data={**data, "external_id": f"X-{i}", "account_id": account}, actor=people.root)


def run(path: Path, people: Personas, mode: str = "strict") -> Any:
    job = import_request(
        kind="contacts", path=path, original_name=path.name, actor=people.root, mode=mode, enqueue=False
    )
    return import_execute(job)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(persons=st.lists(person, min_size=1, max_size=5))
def test_export_then_import_round_trips_every_field(
    people: Personas, tmp_path: Path, persons: list[dict[str, Any]]
) -> None:
    Contact.objects.all().delete()
    make(people, persons)
    before = snapshot()
    path = tmp_path / "contacts.csv"
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        export_write(path, user=people.root, kind="contacts", file_format="csv", filters={})
        Contact.objects.all().delete()
        job = run(path, people)
        assert job.status == JobStatus.DONE, (job.message, job.errors)
        assert snapshot() == before
        again = run(path, people)
        assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, len(persons))
        assert snapshot() == before


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    persons=st.lists(person, min_size=2, max_size=5),
    bad=st.integers(min_value=0, max_value=4),
    column=st.sampled_from(["emails", "phones", "birth_date", "lifecycle_stage"]),
)
def test_a_strict_import_with_one_bad_row_writes_nothing(
    people: Personas, tmp_path: Path, persons: list[dict[str, Any]], bad: int, column: str
) -> None:
    Contact.objects.all().delete()
    make(people, persons)
    path = tmp_path / "contacts.csv"
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        export_write(path, user=people.root, kind="contacts", file_format="csv", filters={})
        Contact.objects.all().delete()
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        row = 1 + bad % len(persons)
        rows[row][rows[0].index(column)] = {
            "emails": "not-an-email",
            "phones": "12",
            "birth_date": "2024-13-45",
            "lifecycle_stage": "vip",
        }[column]
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)
        job = run(path, people)
    assert job.status == JobStatus.FAILED and job.error_count == 1
    assert job.errors[0]["line"] == row + 1 and job.errors[0]["column"] == column
    assert not Contact.objects.exists()
