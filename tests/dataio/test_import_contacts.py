"""Contact imports: mapping by header (English and Korean), normalisation, validation, strict and
lenient modes, idempotence, matching, visibility."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from openpyxl import Workbook

from inyeon.core.models import AuditLog, User
from inyeon.customers.models import Contact, ContactEmail
from inyeon.customers.services import contact_create
from inyeon.dataio.imports import engine
from inyeon.dataio.imports.services import import_execute, import_request
from inyeon.dataio.models import ImportJob, JobStatus
from tests.conftest import Personas


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    # Users without a language preference get LANGUAGE_CODE; these tests read the English rules.
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def run(path: Path, user: User, kind: str = "contacts", **kwargs: Any) -> ImportJob:
    job = import_request(kind=kind, path=path, original_name=path.name, actor=user, enqueue=False, **kwargs)
    return import_execute(job)


KOREAN = [
    ["성", "이름", "이메일", "휴대폰", "회사", "생년월일", "메모", "태그"],
    [
        "김",
        "민수",
        " MinSu.Kim@Example.KR ",
        "010-1234-5678",
        "인연상사",
        "1990.05.17",
        "VIP 고객",
        "vip; 서울",
    ],
    ["이", "서연", "seoyeon@example.kr", "02 123 4567", "", "1988년 3월 5일", "", ""],
]


def test_korean_headers_in_cp949_map_and_normalise_on_their_own(people: Personas, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "고객.csv", KOREAN, encoding="cp949")
    job = run(path, people.alice)
    assert job.status == JobStatus.DONE, job.message
    assert job.encoding == "cp949"
    job.refresh_from_db()
    assert job.started_at is not None and job.finished_at is not None and job.started_at <= job.finished_at
    assert (job.created_count, job.error_count) == (2, 0)
    kim = Contact.objects.get(family_name="김")
    assert kim.given_name == "민수" and kim.display_name == "김민수"
    assert kim.primary_email == "minsu.kim@example.kr"
    assert kim.primary_phone == "+821012345678"
    assert str(kim.birth_date) == "1990-05-17"
    assert kim.account is not None and kim.account.name == "인연상사"
    assert sorted(t.name for t in kim.tags.all()) == ["vip", "서울"]
    assert kim.owner == people.alice and kim.team == people.gangnam
    assert not kim.emails.exists()  # one e-mail: the primary, on the contact row only
    lee = Contact.objects.get(family_name="이")
    assert lee.primary_phone == "+8221234567" and str(lee.birth_date) == "1988-03-05"


def test_a_single_korean_name_column_is_split_into_family_and_given_name(
    people: Personas, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "a.csv", [["이름", "이메일"], ["남궁민", "nam@example.kr"], ["김 민수", "k@example.kr"]]
    )
    run(path, people.alice)
    assert Contact.objects.filter(family_name="남궁", given_name="민").exists()
    assert Contact.objects.filter(family_name="김", given_name="민수", display_name="김민수").exists()


def test_english_headers_with_a_bom_as_other_crms_export_them(people: Personas, tmp_path: Path) -> None:
    rows = [
        ["First Name", "Last Name", "Email", "Mobile Phone", "Company", "Lead Source"],
        ["John", "Smith", "JOHN@ACME.COM", "+1 650 253 0000", "Acme", "web"],
    ]
    path = write_csv(tmp_path / "hubspot.csv", rows, encoding="utf-8-sig")
    job = run(path, people.alice)
    assert job.encoding == "utf-8-sig"
    john = Contact.objects.get(primary_email="john@acme.com")
    assert (john.given_name, john.family_name, john.display_name) == ("John", "Smith", "John Smith")
    assert john.name_order == "western" and john.primary_phone == "+16502530000" and john.source == "web"


def test_xlsx_imports_like_csv(people: Personas, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in KOREAN:
        sheet.append(row)
    path = tmp_path / "고객.xlsx"
    book.save(path)
    job = run(path, people.alice)
    assert (job.file_format, job.created_count) == ("xlsx", 2)
    assert Contact.objects.get(family_name="김").primary_phone == "+821012345678"


BAD = [
    ["Name", "Email", "Phone", "Birthday"],
    ["김민수", "minsu@example.kr", "010-1234-5678", "1990-05-17"],
    ["이서연", "not-an-email", "010-2222-3333", "1991-01-01"],
    ["박지훈", '=HYPERLINK("x")@x.kr', "12", "2990-01-01"],
]


def test_strict_import_with_one_bad_row_writes_nothing_and_names_line_column_value_rule(
    people: Personas, tmp_path: Path
) -> None:
    people.alice.language = "en"
    people.alice.save()
    path = write_csv(tmp_path / "bad.csv", BAD)
    audits = AuditLog.objects.count()
    job = run(path, people.alice, mode="strict")
    assert job.status == JobStatus.FAILED
    assert Contact.objects.count() == 0
    assert AuditLog.objects.filter(entity="contact").count() == 0 and AuditLog.objects.count() == audits + 2
    assert {
        "line": 3,
        "column": "Email",
        "value": "not-an-email",
        "rule": "Not a valid e-mail address.",
    } in job.errors
    lines = {(e["line"], e["column"]) for e in job.errors}
    assert {(4, "Email"), (4, "Phone"), (4, "Birthday")} <= lines
    assert "Nothing was written" in job.message


@pytest.mark.parametrize("in_workers", [False, True])
def test_lenient_import_writes_good_rows_and_a_neutralised_error_file(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any, in_workers: bool
) -> None:
    if in_workers:  # the rows are cleaned in worker processes; their cells never leave this one
        monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
        monkeypatch.setattr(engine, "CHUNK", 2)
        settings.INYEON_IMPORT_WORKERS = 2
    path = write_csv(tmp_path / "bad.csv", BAD)
    job = run(path, people.alice, mode="lenient")
    assert job.status == JobStatus.DONE
    assert (job.created_count, job.error_count) == (1, 2)
    assert list(Contact.objects.values_list("display_name", flat=True)) == ["김민수"]
    with open(job.error_file_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Name", "Email", "Phone", "Birthday", "line", "column", "value", "rule"]
    assert any(r[1].startswith("'=HYPERLINK") for r in rows[1:]), rows
    assert not any(cell.startswith("=") for r in rows for cell in r)


def test_errors_are_in_the_users_language(people: Personas, tmp_path: Path) -> None:
    people.alice.language = "ko"
    people.alice.save()
    job = run(write_csv(tmp_path / "bad.csv", BAD), people.alice)
    assert "올바른 이메일 주소가 아닙니다." in {e["rule"] for e in job.errors}


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    people: Personas, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "k.csv", KOREAN)
    run(path, people.alice)
    before = (
        Contact.objects.count(),
        ContactEmail.objects.count(),
        AuditLog.objects.filter(entity="contact").count(),
    )
    versions = list(Contact.objects.order_by("pk").values_list("version", flat=True))
    again = run(path, people.alice)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert (
        Contact.objects.count(),
        ContactEmail.objects.count(),
        AuditLog.objects.filter(entity="contact").count(),
    ) == before
    assert list(Contact.objects.order_by("pk").values_list("version", flat=True)) == versions


@pytest.mark.parametrize("in_workers", [False, True])
def test_rows_repeating_in_the_same_file_are_matched(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any, in_workers: bool
) -> None:
    if in_workers:  # the workers read the file themselves: a row refused when planned is read again
        monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
        monkeypatch.setattr(engine, "CHUNK", 2)
        settings.INYEON_IMPORT_WORKERS = 2
    rows = [
        ["Name", "Email", "Memo"],
        ["김민수", "k@example.kr", ""],
        ["김민수", "K@Example.kr", ""],
        ["김민지", "k@example.kr", '줄\n바꿈, "따옴표"'],
        ["이서연", "s@example.kr", ""],
    ]
    job = run(write_csv(tmp_path / "r.csv", rows), people.alice, mode="lenient")
    assert (job.created_count, job.duplicate_count, job.error_count) == (2, 1, 1)
    assert job.errors[0]["line"] == 4 and "line 2" in job.errors[0]["rule"]
    with open(job.error_file_path, encoding="utf-8-sig", newline="") as f:
        bad = list(csv.reader(f))[1]
    assert bad[:4] == ["김민지", "k@example.kr", '줄\n바꿈, "따옴표"', "4"]


def test_a_row_matching_an_existing_contact_by_email_updates_it_and_is_audited(
    people: Personas, tmp_path: Path
) -> None:
    contact = contact_create(data={"display_name": "김민수", "emails": ["k@example.kr"]}, actor=people.alice)
    rows = [["Email", "Mobile", "Job Title"], ["K@example.kr", "010-9999-8888", "팀장"]]
    job = run(write_csv(tmp_path / "u.csv", rows), people.alice)
    assert (job.created_count, job.updated_count) == (0, 1)
    contact.refresh_from_db()
    assert contact.job_title == "팀장" and contact.primary_phone == "+821099998888" and contact.version == 2
    entry = AuditLog.objects.filter(entity="contact", entity_id=str(contact.pk), action="update").get()
    assert entry.changes["job_title"] == ["", "팀장"] and entry.changes["import"] == [None, job.pk]


def test_external_id_matches_before_email(people: Personas, tmp_path: Path) -> None:
    contact = contact_create(data={"display_name": "김민수", "external_id": "C-1"}, actor=people.alice)
    job = run(
        write_csv(
            tmp_path / "x.csv", [["External ID", "Name", "Email"], ["C-1", "김민수", "new@example.kr"]]
        ),
        people.alice,
    )
    assert job.updated_count == 1 and Contact.objects.count() == 1
    contact.refresh_from_db()
    assert contact.primary_email == "new@example.kr" and not contact.emails.exists()


def test_a_row_matching_a_contact_the_importer_may_not_see_is_refused(
    people: Personas, tmp_path: Path
) -> None:
    theirs = contact_create(data={"display_name": "김민수", "emails": ["k@example.kr"]}, actor=people.alice)
    job = run(
        write_csv(tmp_path / "o.csv", [["Name", "Email", "Job Title"], ["김민수", "k@example.kr", "spy"]]),
        people.oscar,
    )
    assert job.status == JobStatus.FAILED and job.error_count == 1
    assert "may not see" in job.errors[0]["rule"]
    theirs.refresh_from_db()
    assert theirs.job_title == "" and Contact.objects.count() == 1


def test_a_rep_cannot_import_records_for_somebody_else(people: Personas, tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "w.csv", [["Name", "Owner"], ["김민수", "bob"]]), people.alice)
    assert job.status == JobStatus.FAILED and job.errors[0]["column"] == "owner (user name)"
    job = run(write_csv(tmp_path / "m.csv", [["Name", "Owner"], ["김민수", "bob"]]), people.carol)
    assert Contact.objects.get().owner == people.bob


def test_a_dry_run_counts_and_writes_nothing(people: Personas, tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "d.csv", KOREAN), people.alice, dry_run=True)
    assert job.status == JobStatus.DONE and job.created_count == 2
    assert Contact.objects.count() == 0


def fail_the_second_write(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks of one row, and the second chunk's write raises "disk full"; the writes tried."""
    from inyeon.dataio.imports import handlers

    monkeypatch.setattr(engine, "CHUNK", 1)
    original = handlers.ContactHandler.write
    calls: list[int] = []

    def fail_on_second(self: Any, batch: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        original(self, batch)

    monkeypatch.setattr(handlers.ContactHandler, "write", fail_on_second)
    return calls


def test_a_failure_while_writing_leaves_nothing_behind(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_the_second_write(monkeypatch)
    with pytest.raises(RuntimeError):
        run(write_csv(tmp_path / "k.csv", KOREAN), people.alice)
    assert Contact.objects.count() == 0 and ContactEmail.objects.count() == 0


def test_a_mapping_naming_a_missing_column_is_refused_before_anything_runs(
    people: Personas, tmp_path: Path
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        import_request(
            kind="contacts",
            path=write_csv(tmp_path / "k.csv", KOREAN),
            original_name="k.csv",
            actor=people.alice,
            mapping={"columns": {"Surname": "family_name"}},
            enqueue=False,
        )
    assert "Surname" in caught.value.message_dict["mapping"][0]
    assert not ImportJob.objects.exists()


def test_read_only_users_cannot_import(people: Personas, tmp_path: Path) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_request(
            kind="contacts",
            path=write_csv(tmp_path / "k.csv", KOREAN),
            original_name="k.csv",
            actor=people.rita,
            enqueue=False,
        )


def test_new_contacts_are_checked_for_duplicates_after_the_import(people: Personas, tmp_path: Path) -> None:
    from inyeon.dataio.models import DuplicateCandidate

    existing = contact_create(
        data={"display_name": "김민수", "phones": ["010-1234-5678"]}, actor=people.alice
    )
    job = run(
        write_csv(
            tmp_path / "d.csv", [["Name", "Email", "Mobile"], ["김 민수", "new@example.kr", "010-1234-5678"]]
        ),
        people.alice,
    )
    created = Contact.objects.exclude(pk=existing.pk).get()
    pair = DuplicateCandidate.objects.get()
    assert {pair.first_id, pair.second_id} == {existing.pk, created.pk}
    assert "1 possible duplicate pair was flagged" in job.message


def test_accounts_created_by_an_import_are_audited_as_accounts_whenever_the_audit_batch_fills(
    people: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inyeon.dataio.imports import handlers

    monkeypatch.setattr(handlers, "BATCH", 1)  # every audit row flushes the batch at once
    rows = [
        ["Name", "Email", "Company"],
        ["김민수", "k@example.kr", "인연상사"],
        ["이서연", "s@example.kr", "다른회사"],
    ]
    job = run(write_csv(tmp_path / "c.csv", rows), people.alice)
    assert job.created_count == 2
    created = AuditLog.objects.filter(entity="account", action="create").values_list("changes", flat=True)
    assert sorted(c["name"][1] for c in created) == ["다른회사", "인연상사"]
