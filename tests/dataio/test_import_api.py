"""/api/v1/imports: preview, start (a job), poll, error file; problem+json naming fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from inyeon.customers.models import Contact
from inyeon.dataio.imports.services import import_execute
from inyeon.dataio.models import ImportJob
from tests.conftest import Personas, login


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


CSV = b"First Name,Last Name,Email\nJohn,Smith,john@acme.com\nJane,Doe,not-an-email\n"


def test_preview_suggests_the_mapping_and_cleans_the_first_rows(people: Personas) -> None:
    response = login(people.alice).post(
        "/api/v1/imports/preview", {"kind": "contacts", "file": SimpleUploadedFile("a.csv", CSV)}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mapping"] == {"First Name": "given_name", "Last Name": "family_name", "Email": "emails"}
    assert body["rows"][0]["clean"]["emails"] == ["john@acme.com"]
    assert body["rows"][1]["problems"][0]["column"] == "Email"
    assert not ImportJob.objects.exists()


def test_an_import_started_over_the_api_runs_as_a_job(people: Personas) -> None:
    client = login(people.alice)
    response = client.post(
        "/api/v1/imports", {"kind": "contacts", "mode": "lenient", "file": SimpleUploadedFile("a.csv", CSV)}
    )
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert response["Location"] == f"/api/v1/imports/{job.pk}" and response.json()["status"] == "queued"
    import_execute(job)
    body = client.get(f"/api/v1/imports/{job.pk}").json()
    assert (body["status"], body["created"], body["bad_rows"]) == ("done", 1, 1)
    assert body["errors"][0] == {
        "line": 3,
        "column": "Email",
        "value": "not-an-email",
        "rule": "Not a valid e-mail address.",
    }
    errors = client.get(body["errors_url"])
    assert errors.status_code == 200 and b"not-an-email" in b"".join(errors.streaming_content)  # type: ignore[attr-defined]
    assert Contact.objects.get().primary_email == "john@acme.com"
    assert login(people.bob).get(f"/api/v1/imports/{job.pk}").status_code == 404


def test_bad_fields_are_named_in_problem_json(people: Personas) -> None:
    client = login(people.alice)
    response = client.post("/api/v1/imports", {"kind": "cars", "file": SimpleUploadedFile("a.csv", CSV)})
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "kind"
    mapping = json.dumps({"columns": {"Surname": "family_name"}})
    response = client.post(
        "/api/v1/imports", {"kind": "contacts", "mapping": mapping, "file": SimpleUploadedFile("a.csv", CSV)}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "mapping"
    assert "Surname" in response.json()["errors"][0]["message"]
    assert not ImportJob.objects.exists()


def test_read_only_users_may_not_import(people: Personas) -> None:
    response = login(people.rita).post(
        "/api/v1/imports", {"kind": "contacts", "file": SimpleUploadedFile("a.csv", CSV)}
    )
    assert response.status_code == 403
