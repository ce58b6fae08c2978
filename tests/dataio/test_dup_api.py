"""/api/v1/duplicates and the possible duplicates of POST /api/v1/contacts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inyeon.customers.models import Contact
from inyeon.dataio.duplicates import services
from inyeon.dataio.models import DuplicateCandidate, DuplicateScan, MergeRecord
from tests.api.helpers import PROBLEM, body, error_fields, patch, post
from tests.conftest import Personas, api_client
from tests.dataio.dup_helpers import BIRTH, kims, make

pytestmark = pytest.mark.django_db
URL = "/api/v1/duplicates"


def test_creating_a_contact_answers_with_its_possible_duplicates(people: Personas) -> None:
    first = make(people.alice, display_name="김민수")
    response = post(
        api_client(people.alice), "/api/v1/contacts", {"display_name": "Kim Minsu", "birth_date": BIRTH}
    )
    assert response.status_code == 201, response.content
    assert body(response)["possible_duplicates"] == [
        {"id": first.pk, "display_name": "김민수", "score": 90, "reasons": ["name", "birth_date"]}
    ]
    assert DuplicateCandidate.objects.filter(first=first).count() == 1


def test_possible_duplicates_leave_out_contacts_the_creator_may_not_see(people: Personas) -> None:
    make(people.alice, display_name="김민수", emails=["minsu@example.kr"])
    response = post(
        api_client(people.oscar), "/api/v1/contacts", {"display_name": "X", "emails": ["minsu@example.kr"]}
    )
    assert response.status_code == 201
    assert body(response)["possible_duplicates"] == []
    assert DuplicateCandidate.objects.count() == 1  # stored for whom may review it


def test_the_queue_lists_pairs_with_their_differences(people: Personas) -> None:
    a, b, c = kims(people.alice)
    services.duplicates_flag(contact_ids=[a.pk, b.pk, c.pk])
    client = api_client(people.carol)
    with CaptureQueriesContext(connection) as queries:
        page = body(client.get(f"{URL}/candidates", {"limit": 2}))
    assert len(queries) <= 12
    assert len(page["items"]) == 2 and page["next_cursor"]
    item = page["items"][0]
    assert item["score"] == 90 and item["reasons"] == ["name", "birth_date"]
    assert "display_name" in {d["field"] for d in item["differences"]}
    rest = body(client.get(f"{URL}/candidates", {"cursor": page["next_cursor"]}))
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_an_outsider_sees_none_and_a_rep_is_refused(people: Personas) -> None:
    _a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    busan_manager = people.oscar
    busan_manager.role = "manager"
    busan_manager.save()
    assert body(api_client(busan_manager).get(f"{URL}/candidates"))["items"] == []
    response = api_client(people.alice).get(f"{URL}/candidates")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM


def test_dismiss_merge_and_undo(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    services.duplicates_flag(contact_ids=[b.pk])
    client = api_client(people.carol)
    pair = DuplicateCandidate.objects.get(first=a, second=b)
    assert body(client.post(f"{URL}/candidates/{pair.pk}/dismiss"))["status"] == "dismissed"
    assert client.post(f"{URL}/candidates/{pair.pk}/dismiss").status_code == 404  # out of the queue
    response = post(
        client, f"{URL}/merges", {"survivor": a.pk, "merged": b.pk, "choices": {"primary_phone": "merged"}}
    )
    assert response.status_code == 201, response.content
    merge_id = body(response)["id"]
    assert Contact.objects.get(pk=a.pk).primary_phone == "+821022223333"
    assert not Contact.objects.filter(pk=b.pk).exists()
    assert [m["id"] for m in body(client.get(f"{URL}/merges"))] == [merge_id]
    undone = client.post(f"{URL}/merges/{merge_id}/undo")
    assert undone.status_code == 200 and body(undone)["undone_by_id"] == people.carol.pk
    assert Contact.objects.get(pk=b.pk).display_name == "김 민수"
    assert Contact.objects.get(pk=a.pk).primary_phone == ""
    assert error_fields(client.post(f"{URL}/merges/{merge_id}/undo")) == {"merge"}


def test_a_merge_names_bad_fields(people: Personas) -> None:
    a, b, _ = kims(people.alice)
    busan = make(people.oscar, display_name="김민수")
    client = api_client(people.carol)
    assert error_fields(post(client, f"{URL}/merges", {"survivor": a.pk, "merged": busan.pk})) == {"merged"}
    response = post(client, f"{URL}/merges", {"survivor": a.pk, "merged": b.pk, "choices": {"notes": "left"}})
    assert error_fields(response) == {"choices.notes"}
    assert (
        post(api_client(people.alice), f"{URL}/merges", {"survivor": a.pk, "merged": b.pk}).status_code == 403
    )
    assert not MergeRecord.objects.exists()


def test_rules_are_read_and_changed_by_admins_only(people: Personas) -> None:
    root = api_client(people.root)
    assert body(root.get(f"{URL}/rules"))["fuzzy_threshold"] == 85
    changed = patch(root, f"{URL}/rules", {"fuzzy_threshold": 92, "exact_phone": False})
    assert changed.status_code == 200 and body(changed)["fuzzy_threshold"] == 92
    assert error_fields(patch(root, f"{URL}/rules", {"fuzzy_threshold": 10})) == {"fuzzy_threshold"}
    assert api_client(people.carol).get(f"{URL}/rules").status_code == 403
    assert patch(api_client(people.carol), f"{URL}/rules", {"exact_phone": True}).status_code == 403


def test_a_scan_is_queued_and_its_progress_read(people: Personas) -> None:
    client = api_client(people.carol)
    response = client.post(f"{URL}/scans")
    assert response.status_code == 202
    scan_id = body(response)["id"]
    assert response["Location"] == f"/api/v1/duplicates/scans/{scan_id}"
    assert body(client.get(f"{URL}/scans/{scan_id}"))["status"] == "queued"
    assert DuplicateScan.objects.count() == 1
    assert api_client(people.alice).post(f"{URL}/scans").status_code == 403
