"""Consents: the current state per channel with its history; grants and withdrawals are appended."""

from __future__ import annotations

from inyeon.core.models import AuditLog
from tests.api.helpers import body, error_fields, post
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory


def url(contact: object) -> str:
    return f"/api/v1/contacts/{contact.pk}/consents"  # type: ignore[attr-defined]


def grant(status: str = "granted", channel: str = "sms") -> dict[str, str]:
    return {"channel": channel, "status": status, "purpose": "이벤트 안내", "source": "web"}


def test_a_withdrawal_after_a_grant_is_the_current_state_and_both_are_history(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    for status in ("granted", "withdrawn"):
        response = post(client, url(contact), grant(status))
        assert response.status_code == 201
        assert body(response)["recorded_by_id"] == people.alice.pk
    state = body(client.get(url(contact)))
    assert state["current"]["sms"]["status"] == "withdrawn"
    assert state["current"]["email"] is None
    assert set(state["current"]) == {"email", "sms", "phone", "post", "night"}
    assert [r["status"] for r in state["history"]] == ["withdrawn", "granted"]


def test_recording_consent_is_audited(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    record_id = body(post(api_client(people.alice), url(contact), grant()))["id"]
    row = AuditLog.objects.get(entity="consent", entity_id=str(record_id))
    assert row.actor == people.alice and row.changes["contact"] == [None, contact.pk]


def test_consent_without_purpose_or_with_an_unknown_channel_names_the_fields(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = post(
        api_client(people.alice), url(contact), {"channel": "fax", "status": "granted", "source": "web"}
    )
    assert response.status_code == 422
    assert error_fields(response) == {"channel", "purpose"}
    assert contact.consents.count() == 0


def test_read_only_roles_may_see_consents_but_not_record_them(people: Personas) -> None:
    contact = ContactFactory(owner=people.bob)
    client = api_client(people.rita)
    assert client.get(url(contact)).status_code == 200
    assert post(client, url(contact), grant()).status_code == 403
    assert contact.consents.count() == 0
