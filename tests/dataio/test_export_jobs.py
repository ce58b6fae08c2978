"""Large exports run as background jobs: progress, the file, and who may download it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from inyeon.core.models import AccessLog
from inyeon.dataio.exports import selectors, services
from inyeon.dataio.models import ExportJob, JobStatus
from tests.conftest import Personas, api_client, login
from tests.dataio.export_helpers import body, csv_rows, xlsx_rows
from tests.factories import ContactFactory


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def run_worker() -> None:
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when it finishes
def test_the_worker_writes_the_file_and_counts_the_rows(people: Personas, media: Path) -> None:
    ContactFactory.create_batch(3, owner=people.alice)
    ContactFactory(owner=people.oscar)
    job = services.export_request(user=people.alice, kind="contacts", file_format="csv", filters={})
    assert job.status == JobStatus.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.total_rows, job.processed_rows) == (3, 3)
    assert Path(job.file_path).parent == media / "exports"
    assert len(csv_rows(Path(job.file_path).read_bytes())) == 3
    assert AccessLog.objects.filter(
        action="export", actor=people.alice, detail__contains=f"job #{job.pk}"
    ).exists()


def test_a_job_keeps_the_filters_and_writes_xlsx(people: Personas) -> None:
    ContactFactory(owner=people.alice, lifecycle_stage="core", display_name="김핵심")
    ContactFactory(owner=people.alice, lifecycle_stage="prospect")
    job = services.export_request(
        user=people.alice, kind="contacts", file_format="xlsx", filters={"lifecycle_stage": "core"}
    )
    assert job.filters == {"lifecycle_stage": "core"}
    job = services.export_execute(job)
    assert job.status == JobStatus.DONE
    assert [r["display_name"] for r in xlsx_rows(Path(job.file_path).read_bytes())] == ["김핵심"]


def test_progress_is_saved_while_the_file_is_written(
    people: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "PROGRESS_STEP", 1)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    monkeypatch.setattr("inyeon.dataio.exports.rows.CHUNK", 2)
    ContactFactory.create_batch(5, owner=people.alice)
    # XLSX (CSV of contacts on PostgreSQL is one COPY, which reports its rows when it is done).
    job = services.export_request(user=people.alice, kind="contacts", file_format="xlsx", filters={})
    saved: list[int] = []
    real = services.save_progress

    def spy(job_id: int, rows: int) -> None:
        saved.append(ExportJob.objects.get(pk=job_id).total_rows)
        saved.append(rows)
        real(job_id, rows)

    monkeypatch.setattr(services, "save_progress", spy)
    job = services.export_execute(job)
    assert saved == [5, 2, 5, 4]  # the total is known before the first rows are written
    assert (job.processed_rows, job.status) == (5, JobStatus.DONE)


def test_only_the_creator_or_an_admin_may_see_and_download_a_job(people: Personas) -> None:
    ContactFactory(owner=people.alice)
    job = services.export_execute(
        services.export_request(user=people.alice, kind="contacts", file_format="csv", filters={})
    )
    url = reverse("web:export_download", args=[job.pk])
    assert login(people.bob).get(url).status_code == 404
    assert login(people.bob).get(reverse("web:export_job", args=[job.pk])).status_code == 404
    assert api_client(people.carol).get(f"/api/v1/exports/{job.pk}/file").status_code == 404
    assert len(csv_rows(body(login(people.alice).get(url)))) == 1
    assert login(people.root).get(url).status_code == 200
    downloads = AccessLog.objects.filter(detail__startswith=f"download of export job #{job.pk}")
    assert sorted(log.actor.username for log in downloads) == ["alice", "root"]  # type: ignore[union-attr]


def test_the_job_page_shows_progress_and_refreshes_until_done(people: Personas) -> None:
    job = ExportJob.objects.create(
        kind="contacts",
        file_format="csv",
        created_by=people.alice,
        status="running",
        total_rows=200,
        processed_rows=50,
    )
    page = login(people.alice).get(reverse("web:export_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="25"' in page


def test_a_large_list_asks_to_start_a_job(people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "STREAM_LIMIT", 2)
    ContactFactory.create_batch(3, owner=people.alice)
    client = login(people.alice)
    page = client.get(reverse("web:contact_export"), {"format": "xlsx", "stage": "prospect"})
    assert page.status_code == 200
    assert b"export_start" not in page.content and reverse("web:export_start").encode() in page.content
    response = client.post(
        reverse("web:export_start"),
        {"kind": "contacts", "format": "xlsx", "filters": '{"lifecycle_stage": "prospect"}'},
    )
    job = ExportJob.objects.get()
    assert response.url == reverse("web:export_job", args=[job.pk])  # type: ignore[attr-defined]
    assert (job.created_by, job.file_format, job.filters) == (
        people.alice,
        "xlsx",
        {"lifecycle_stage": "prospect"},
    )
    assert not AccessLog.objects.filter(action="export").exists()  # nothing read yet


def test_the_api_queues_a_job_and_reports_it(people: Personas) -> None:
    client = api_client(people.alice)
    response = client.post(
        "/api/v1/exports",
        {"kind": "contacts", "format": "csv", "filters": {"q": "김"}},
        content_type="application/json",
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/exports/{job_id}"
    services.export_execute(ExportJob.objects.get(pk=job_id))
    status = client.get(f"/api/v1/exports/{job_id}").json()
    assert status["status"] == "done"
    assert status["file_url"] == f"/api/v1/exports/{job_id}/file"
    assert client.get(status["file_url"]).status_code == 200
    assert [j["id"] for j in client.get("/api/v1/exports").json()] == [job_id]
    assert api_client(people.bob).get("/api/v1/exports").json() == []


def test_the_api_names_the_bad_field(people: Personas) -> None:
    client = api_client(people.alice)
    response = client.post(
        "/api/v1/exports", {"kind": "contacts", "format": "pdf"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["format"]
    bad = client.get("/api/v1/exports/contacts", {"lifecycle_stage": "vip", "colour": "red"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"lifecycle_stage", "colour"}
