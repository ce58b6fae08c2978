"""/api/v1/close-reasons: everybody signed in reads (filters by kind and active), admins add, rename
and retire through `close_reason_save` (audited), others get 403; bad fields named in problem+json."""

from __future__ import annotations

from typing import Any

import pytest

from inyeon.core.models import AuditLog
from inyeon.sales.models import CloseReason
from inyeon.sales.services import close_reason_save, opportunity_move
from tests.api.helpers import PROBLEM, body, error_fields, patch, post
from tests.conftest import Personas, api_client
from tests.sales.factories import make_opportunity, won_stage

pytestmark = pytest.mark.django_db

URL = "/api/v1/close-reasons"


@pytest.fixture
def reasons(people: Personas) -> dict[str, CloseReason]:
    CloseReason.objects.all().delete()
    return {
        "won": close_reason_save(
            reason=None, data={"kind": "won", "label_ko": "가격 경쟁력"}, actor=people.root
        ),
        "lost": close_reason_save(
            reason=None, data={"kind": "lost", "label_ko": "예산 부족"}, actor=people.root
        ),
        "retired": close_reason_save(
            reason=None, data={"kind": "lost", "label_ko": "옛 사유", "active": False}, actor=people.root
        ),
    }


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave", "erin", "rita", "root"])
def test_everyone_signed_in_lists_the_reasons_with_filters(
    people: Personas, reasons: dict[str, CloseReason], who: str, django_assert_max_num_queries: Any
) -> None:
    client = api_client(getattr(people, who))
    with django_assert_max_num_queries(4):
        every = body(client.get(URL))["items"]
    assert [r["id"] for r in every] == [reasons["lost"].pk, reasons["retired"].pk, reasons["won"].pk]
    assert every[0] == {
        "id": reasons["lost"].pk,
        "kind": "lost",
        "label_ko": "예산 부족",
        "label_en": "",
        "active": True,
    }
    assert [r["id"] for r in body(client.get(URL, {"kind": "lost"}))["items"]] == [
        reasons["lost"].pk,
        reasons["retired"].pk,
    ]
    assert [r["id"] for r in body(client.get(URL, {"kind": "lost", "active": "true"}))["items"]] == [
        reasons["lost"].pk
    ]
    assert [r["id"] for r in body(client.get(URL, {"active": "false"}))["items"]] == [reasons["retired"].pk]
    assert body(client.get(f"{URL}/{reasons['won'].pk}"))["label_ko"] == "가격 경쟁력"


def test_the_list_needs_a_sign_in_and_a_known_kind(people: Personas, reasons: dict[str, CloseReason]) -> None:
    from django.test import Client

    assert Client().get(URL).status_code == 401
    bad = api_client(people.alice).get(URL, {"kind": "open"})
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM


def test_an_admin_creates_renames_and_retires_a_reason_audited(people: Personas) -> None:
    client = api_client(people.root)
    created = post(client, URL, {"kind": "won", "label_ko": "기술 우위", "label_en": "Better technology"})
    assert created.status_code == 201, created.content
    reason_id = body(created)["id"]
    assert created["Location"].endswith(f"{URL}/{reason_id}")
    assert AuditLog.objects.filter(entity="close_reason", entity_id=str(reason_id), action="create").exists()
    renamed = patch(client, f"{URL}/{reason_id}", {"label_ko": "기술력"})
    assert renamed.status_code == 200 and body(renamed)["label_ko"] == "기술력"
    assert body(renamed)["label_en"] == "Better technology" and body(renamed)["kind"] == "won"
    retired = patch(client, f"{URL}/{reason_id}", {"active": False})
    assert retired.status_code == 200 and body(retired)["active"] is False
    row = CloseReason.objects.get(pk=reason_id)
    assert (row.label_ko, row.active) == ("기술력", False)
    updates = AuditLog.objects.filter(entity="close_reason", entity_id=str(reason_id), action="update")
    assert [u.changes for u in updates.order_by("pk")] == [
        {"label_ko": ["기술 우위", "기술력"]},
        {"active": [True, False]},
    ]


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "erin", "rita"])
def test_only_admins_write_reasons(people: Personas, reasons: dict[str, CloseReason], who: str) -> None:
    client = api_client(getattr(people, who))
    created = post(client, URL, {"kind": "won", "label_ko": "x"})
    assert created.status_code == 403 and created["Content-Type"] == PROBLEM
    changed = patch(client, f"{URL}/{reasons['won'].pk}", {"active": False})
    assert changed.status_code == 403
    assert CloseReason.objects.count() == 3 and CloseReason.objects.get(pk=reasons["won"].pk).active


def test_bad_fields_are_named_and_nothing_is_written(
    people: Personas, reasons: dict[str, CloseReason]
) -> None:
    client = api_client(people.root)
    bad = post(client, URL, {"kind": "open", "label_ko": ""})
    assert bad.status_code == 422 and error_fields(bad) == {"kind", "label_ko"}
    too_long = patch(client, f"{URL}/{reasons['won'].pk}", {"label_en": "x" * 101})
    assert too_long.status_code == 422 and error_fields(too_long) == {"label_en"}
    assert CloseReason.objects.count() == 3
    assert patch(client, f"{URL}/999999", {"label_ko": "x"}).status_code == 404
    assert api_client(people.alice).get(f"{URL}/999999").status_code == 404


def test_a_reason_closed_deals_use_keeps_its_kind(
    people: Personas, reasons: dict[str, CloseReason], default_pipeline: None
) -> None:
    opp = make_opportunity(people.alice)
    opportunity_move(
        opportunity=opp, stage_id=won_stage().pk, close_reason_id=reasons["won"].pk, actor=people.alice
    )
    response = patch(api_client(people.root), f"{URL}/{reasons['won'].pk}", {"kind": "lost"})
    assert response.status_code == 422 and error_fields(response) == {"kind"}
    assert CloseReason.objects.get(pk=reasons["won"].pk).kind == "won"


def test_the_pipelines_list_still_carries_the_reasons(
    people: Personas, reasons: dict[str, CloseReason]
) -> None:
    listed = body(api_client(people.alice).get("/api/v1/pipelines"))["close_reasons"]
    assert {r["id"] for r in listed} == {r.pk for r in reasons.values()}
