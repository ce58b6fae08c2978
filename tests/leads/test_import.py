"""Lead imports through the import engine's `leads` kind: Korean headers, duplicate check against
contacts, no repeats on a second run, bad rows named, the assignment rules for rows without owner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from inyeon.customers.services import contact_create
from inyeon.dataio.models import JobStatus
from inyeon.leads.models import Lead
from inyeon.leads.services import assignment_rule_create
from tests.conftest import Personas
from tests.dataio.test_import_contacts import run, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


ROWS = [
    ["성명", "이메일", "휴대폰", "회사명", "직책", "유입 경로", "지역"],
    ["김민수", "minsu@example.kr", "010-1234-5678", "인연상사", "대표", "전시회", "서울"],
    ["이서연", "", "02 123 4567", "", "", "", "부산"],
    ["박보검", "not-an-email", "", "", "", "", ""],
]


def test_leads_import_with_korean_headers_and_a_duplicate_check(people: Personas, tmp_path: Path) -> None:
    contact = contact_create(
        data={"display_name": "김민수", "emails": ["minsu@example.kr"]}, actor=people.alice
    )
    job = run(write_csv(tmp_path / "leads.csv", ROWS), people.alice, kind="leads", mode="lenient")
    assert job.status == JobStatus.DONE, job.message
    assert (job.created_count, job.error_count) == (2, 1)
    kim = Lead.objects.get(email="minsu@example.kr")
    assert (kim.family_name, kim.given_name, kim.company, kim.source) == ("김", "민수", "인연상사", "event")
    assert kim.owner == people.alice and kim.duplicates.get().contact == contact
    assert Lead.objects.get(phone="+8221234567").source == "import"
    again = run(write_csv(tmp_path / "leads2.csv", ROWS[:3]), people.alice, kind="leads")
    assert (again.created_count, again.unchanged_count) == (0, 2)
    assert Lead.objects.count() == 2


def test_imported_leads_without_an_owner_follow_the_assignment_rules(
    people: Personas, tmp_path: Path
) -> None:
    assignment_rule_create(
        data={
            "name": "Busan",
            "field": "region",
            "values": "부산",
            "strategy": "load",
            "team_id": people.busan.pk,
        },
        actor=people.root,
    )
    run(write_csv(tmp_path / "leads.csv", ROWS[:3]), people.root, kind="leads")
    assert Lead.objects.get(region="부산").owner == people.oscar
    assert Lead.objects.get(region="서울").owner == people.root
