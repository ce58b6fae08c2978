"""On PostgreSQL a contact import writes each chunk as soon as it is checked: new contacts by COPY
of text the worker processes build, the transaction on a writer thread's own connection. What it
writes, and what it leaves behind when it fails, must be what the plain path writes and leaves."""

from __future__ import annotations

import datetime as dt
import threading
from itertools import pairwise
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.test import override_settings

from inyeon.core.models import AuditLog
from inyeon.customers.models import Contact, ContactEmail, ContactPhone
from inyeon.dataio.imports import bulk, engine, handlers
from inyeon.dataio.models import JobStatus
from tests.conftest import Personas
from tests.dataio.test_import_contacts import KOREAN, fail_the_second_write, run, write_csv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["Name", "Email", "Mobile", "Tags", "Company", "Owner", "Birthday", "Stage", "Language", "Notes"],
    [
        "김민수",
        "k@example.kr; k2@example.kr",
        "010-1234-5678",
        "vip; 서울",
        "인연상사",
        "",
        "1990-05-17",
        "",
        "",
        "",
    ],
    ["John Smith", "js@example.com", "", "", "", "bob", "", "core", "en", 'tab\there "q" \\ back'],
    ["이서연", "", "02 123 4567, 010-2222-3333", "서울", "인연상사", "", "", "", "", "줄\n바꿈"],
]


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


def written() -> list[dict[str, Any]]:
    """Every new contact with its channels and tags, without ids and timestamps."""
    out = []
    for c in Contact.objects.order_by("display_name").values():
        pk = c.pop("id")
        for key in ("created_at", "updated_at"):
            c.pop(key)
        account = c.pop("account_id")
        c["account"] = Contact.objects.get(pk=pk).account.name if account else None
        c["emails"] = list(
            ContactEmail.objects.filter(contact_id=pk).order_by("pk").values_list("email", "label")
        )
        c["phones"] = list(
            ContactPhone.objects.filter(contact_id=pk).order_by("pk").values_list("number", "label")
        )
        c["tags"] = sorted(
            Contact.tags.through.objects.filter(contact_id=pk).values_list("tag__name", flat=True)
        )
        out.append(c)
    return out


def test_contacts_copied_from_the_workers_text_equal_those_of_the_plain_path(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "COPY_PIECE", 2)  # the three contacts' COPY goes in two pieces
    path = write_csv(tmp_path / "k.csv", ROWS)
    paths: list[str] = []
    for name in ("_insert", "_copy_prepared"):
        original = getattr(handlers.ContactHandler, name)
        monkeypatch.setattr(
            handlers.ContactHandler,
            name,
            lambda self, part, name=name, original=original: (paths.append(name), original(self, part))[1],
        )
    with monkeypatch.context() as plain:
        plain.setattr(engine, "PREPARE", {})  # no COPY text from the cleaning: `bulk.insert`
        assert run(path, people.carol).created_count == 3
    expected = written()
    Contact.objects.all().delete()
    job = run(path, people.carol)
    assert paths == ["_insert", "_copy_prepared"]
    assert job.status == JobStatus.DONE and job.created_count == 3
    assert written() == expected
    smith = Contact.objects.get(display_name="John Smith")
    assert smith.owner == people.bob and smith.team == people.mapo and smith.notes == 'tab\there "q" \\ back'
    kim = next(c for c in expected if c["display_name"] == "김민수")
    assert (
        kim["search_name"]
        and kim["emails_text"] == "k@example.kr;k2@example.kr"
        and kim["account"] == "인연상사"
    )
    created = AuditLog.objects.filter(entity="contact", entity_id=f"import:{job.pk}").get()
    assert sorted(created.changes["created_ids"][1]) == sorted(Contact.objects.values_list("pk", flat=True))


def test_a_failure_while_the_writer_thread_writes_leaves_nothing_behind(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fail_the_second_write(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        run(write_csv(tmp_path / "k.csv", KOREAN), people.alice)
    assert len(calls) == 2
    assert Contact.objects.count() == 0 and ContactEmail.objects.count() == 0


def test_a_strict_import_rolls_back_the_chunks_it_wrote_before_its_bad_row(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK", 1)
    writes = []
    original = handlers.ContactHandler.write
    monkeypatch.setattr(
        handlers.ContactHandler, "write", lambda self, batch: (writes.append(1), original(self, batch))[1]
    )
    rows = [*KOREAN, ["박", "지훈", "not-an-email", "", "", "", "", ""]]
    job = run(write_csv(tmp_path / "s.csv", rows), people.alice)
    assert writes and job.status == JobStatus.FAILED and job.error_count == 1
    assert job.errors[0]["line"] == 4
    assert (
        Contact.objects.count() == 0
        and ContactEmail.objects.count() == 0
        and not AuditLog.objects.filter(entity="contact").exists()
    )


def test_rows_repeating_across_chunks_are_matched_and_a_second_run_changes_nothing(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK", 1)
    rows = [
        ["Name", "Email"],
        ["김민수", "k@example.kr"],
        ["김민수", "K@Example.kr"],
        ["김민지", "k@example.kr"],
    ]
    path = write_csv(tmp_path / "r.csv", rows)
    job = run(path, people.alice, mode="lenient")
    assert (job.created_count, job.duplicate_count, job.error_count) == (1, 1, 1)
    again = run(path, people.alice, mode="lenient")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1)
    assert Contact.objects.count() == 1


def test_the_worker_processes_build_the_copy_text(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
    monkeypatch.setattr(engine, "CHUNK", 1)
    copied = []
    original = handlers.ContactHandler._copy_prepared
    monkeypatch.setattr(
        handlers.ContactHandler,
        "_copy_prepared",
        lambda self, part: (copied.append(len(part)), original(self, part))[1],
    )
    job = run(write_csv(tmp_path / "k.csv", KOREAN), people.alice)
    assert job.created_count == 2 and sum(copied) == 2
    kim = Contact.objects.get(family_name="김")
    assert kim.birth_date == dt.date(1990, 5, 17) and kim.tags_text == "vip;서울"


def test_reserved_ids_are_new_and_distinct(people: Personas) -> None:
    first = bulk.reserve_ids(Contact, 3)
    second = bulk.reserve_ids(Contact, 2)
    assert len(set(first + second)) == 5 and min(second) > max(first)
    assert second == list(range(second[0], second[0] + 2))  # consecutive: told by three numbers


def test_reserved_ids_with_gaps_between_them_are_fetched_one_by_one(people: Personas) -> None:
    # Another session drawing from the sequence meanwhile leaves gaps; a step of 2 makes them.
    sequence = bulk._sequence(Contact)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 2")
        try:
            ids = bulk.reserve_ids(Contact, 4)
        finally:
            cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 1")
    assert len(set(ids)) == 4 and [b - a for a, b in pairwise(ids)] == [2, 2, 2]
    assert not Contact.objects.filter(pk__in=ids).exists()


def test_many_texts_go_as_one_array_whatever_they_hold(people: Personas) -> None:
    values = ['a"b', "c\\d", "e,f", "{x}", "한글", " sp ", "NULL", ""]
    inner = bulk.many(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT array_agg(x) FROM ({inner.sql}) AS t(x)", inner.params)
        assert cursor.fetchone()[0] == values


def test_foreign_keys_are_checked_at_each_statement_inside_checked_now(people: Personas) -> None:
    after_the_copy = []

    def dangling() -> None:
        with transaction.atomic(), bulk.checked_now():
            bulk.copy_lines(ContactEmail, ("contact_id", "email", "label"), ["999999999\tx@y.kr\t"])
            after_the_copy.append(True)

    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        dangling()
    assert not after_the_copy  # the COPY itself failed, not the commit
    with transaction.atomic():
        contact = Contact.objects.create(display_name="김민수", owner=people.alice)
        with bulk.checked_now():
            pass
        # Outside the block the checks wait for the commit again: a row may point ahead.
        ContactEmail.objects.create(contact_id=contact.pk + 10_000, email="ahead@example.kr")
        ContactEmail.objects.filter(email="ahead@example.kr").update(contact_id=contact.pk)
    assert ContactEmail.objects.get(email="ahead@example.kr").contact_id == contact.pk


def test_the_next_chunk_is_matched_on_another_thread_with_updates_and_refusals_as_before(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from inyeon.customers.services import contact_create

    monkeypatch.setattr(engine, "CHUNK", 1)
    threads = set()
    original = handlers.ContactHandler.lookup
    monkeypatch.setattr(
        handlers.ContactHandler,
        "lookup",
        lambda self, rows: (threads.add(threading.current_thread().name), original(self, rows))[1],
    )
    mine = contact_create(data={"display_name": "김민수", "emails": ["k@example.kr"]}, actor=people.alice)
    theirs = contact_create(data={"display_name": "오스카", "emails": ["o@example.kr"]}, actor=people.oscar)
    rows = [
        ["Name", "Email", "Job Title"],
        ["김민수", "K@example.kr", "팀장"],
        ["오스카", "o@example.kr", "spy"],
        ["이서연", "s@example.kr", ""],
    ]
    job = run(write_csv(tmp_path / "u.csv", rows), people.alice, mode="lenient")
    assert (job.created_count, job.updated_count, job.error_count) == (1, 1, 1)
    assert job.errors[0]["line"] == 3 and "may not see" in job.errors[0]["rule"]
    assert {name.split("_")[0] for name in threads} == {"import-lookups"}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.job_title == "팀장" and mine.version == 2 and theirs.job_title == ""


def last_analyzed() -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'customers_contact'")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("threshold", "refreshed"), [(3, True), (4, False)])
def test_a_large_import_refreshes_the_statistics_of_the_tables_it_filled(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, refreshed: bool
) -> None:
    """Before autovacuum gets to them, the planner would read the whole contact table to match the
    next import's e-mails."""
    monkeypatch.setattr(engine, "ANALYZE_FROM", threshold)  # 3 new contacts below
    before = last_analyzed()
    assert run(write_csv(tmp_path / "k.csv", ROWS), people.carol).created_count == 3
    after = last_analyzed()
    assert (after is not None and after != before) is refreshed


def test_a_failed_statistics_refresh_leaves_the_import_done(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "ANALYZE_FROM", 1)

    def refused(models: Any) -> None:  # as Django raises what PostgreSQL refuses
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(bulk, "analyze", refused)
    job = run(write_csv(tmp_path / "k.csv", ROWS), people.carol)
    assert job.status == JobStatus.DONE and job.created_count == 3
    assert Contact.objects.count() == 3


def test_a_failure_as_the_import_commits_fails_it_and_leaves_nothing(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer has already taken the end of the input when the commit fails: it must report
    the error, not wait for more input."""

    def broken(self: Any) -> None:
        raise OperationalError("could not write the audit rows")

    monkeypatch.setattr(handlers.ContactHandler, "finish", broken)
    path, raised = write_csv(tmp_path / "k.csv", ROWS), []

    def importing() -> None:
        try:
            run(path, people.carol)
        except OperationalError as exc:
            raised.append(str(exc))
        finally:
            connection.close()  # this thread's own

    importer = threading.Thread(target=importing, daemon=True)  # a hang fails the test, not the run
    importer.start()
    importer.join(120)
    assert not importer.is_alive(), "the import hung after its commit failed"
    assert raised == ["could not write the audit rows"]
    assert Contact.objects.count() == 0
