"""The import wizard: upload, mapping suggested from the headers, preview with per-row problems,
run, result page with the error file; only writers may import, only the importer sees the job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from inyeon.customers.models import Contact
from inyeon.dataio.imports.services import import_execute
from inyeon.dataio.models import ImportJob, SavedMapping
from tests.conftest import Personas, login


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


CSV = "성,이름,이메일,휴대폰\n김,민수,k@example.kr,010-1234-5678\n이,서연,bad-email,010-2222-3333\n".encode(
    "cp949"
)


def upload(client: Client, kind: str = "contacts") -> str:
    response = client.post(
        reverse("web:imports"), {"kind": kind, "file": SimpleUploadedFile("고객.csv", CSV)}
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def test_the_wizard_suggests_the_mapping_and_shows_row_problems(people: Personas) -> None:
    client = login(people.alice)
    page = client.get(upload(client))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="family_name" selected>' in html and '<option value="emails" selected>' in html
    assert "bad-email" in html and "Not a valid e-mail address." in html


def test_running_from_the_wizard_queues_a_job_and_shows_its_result(people: Personas) -> None:
    client = login(people.alice)
    url = upload(client)
    data = {
        "header": ["성", "이름", "이메일", "휴대폰"],
        "field_0": "family_name",
        "field_1": "given_name",
        "field_2": "emails",
        "field_3": "phones",
        "mode": "lenient",
        "action": "run",
        "save_as": "쇼핑몰 회원",
    }
    response = client.post(url, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:import_job", args=[job.pk])
    assert SavedMapping.objects.get(name="쇼핑몰 회원").mapping["이메일"] == "emails"
    import_execute(job)
    page = client.get(response["Location"]).content.decode()
    assert "bad-email" in page and Contact.objects.count() == 1
    errors = client.get(reverse("web:import_errors", args=[job.pk]))
    assert errors.status_code == 200 and b"bad-email" in b"".join(errors.streaming_content)  # type: ignore[attr-defined]


def test_changing_the_mapping_is_refused_with_the_column_named(people: Personas) -> None:
    client = login(people.alice)
    url = upload(client)
    data = {
        "header": ["성", "이름", "이메일", "휴대폰"],
        "field_0": "",
        "field_1": "",
        "field_2": "",
        "field_3": "",
        "mode": "strict",
        "action": "run",
    }
    page = client.post(url, data).content.decode()
    assert "Map a column to one of" in page and not ImportJob.objects.exists()


def test_other_users_cannot_see_an_import_or_its_error_file(people: Personas) -> None:
    client = login(people.alice)
    client.post(
        upload(client),
        {
            "header": ["성", "이름", "이메일", "휴대폰"],
            "field_0": "family_name",
            "field_2": "emails",
            "mode": "lenient",
            "action": "run",
        },
    )
    job = ImportJob.objects.get()
    import_execute(job)
    bob = login(people.bob)
    assert bob.get(reverse("web:import_job", args=[job.pk])).status_code == 404
    assert bob.get(reverse("web:import_errors", args=[job.pk])).status_code == 404
    assert login(people.root).get(reverse("web:import_job", args=[job.pk])).status_code == 200


def test_read_only_users_get_no_import_page(people: Personas) -> None:
    assert login(people.rita).get(reverse("web:imports")).status_code == 403
