"""Manual and API capture: validation, names, history, audit, duplicates found on capture."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AuditLog
from inyeon.customers.services import account_create, contact_create
from inyeon.leads.models import Lead, LeadEvent
from inyeon.leads.selectors import lead_duplicates
from inyeon.leads.services import lead_create, lead_update
from tests.conftest import Personas
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def test_a_rep_captures_a_lead_with_a_split_korean_name_history_and_audit(people: Personas) -> None:
    lead = lead_create(
        data={
            "display_name": "남궁민",
            "company": "인연상사",
            "email": " Min@Example.KR ",
            "phone": "010-2345-6789",
        },
        actor=people.alice,
    )
    assert (lead.family_name, lead.given_name) == ("남궁", "민")
    assert lead.email == "min@example.kr" and lead.phone == "+821023456789"
    assert lead.owner == people.alice and lead.team == people.gangnam and lead.status == "new"
    assert list(lead.events.values_list("kind", flat=True)) == [LeadEvent.Kind.CREATED]
    assert AuditLog.objects.filter(entity="lead", entity_id=str(lead.pk), action="create").exists()


def test_bad_input_names_every_field_and_writes_nothing(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        lead_create(
            data={
                "display_name": "",
                "email": "not-an-email",
                "phone": "12",
                "country": "KOR",
                "company_size": "x",
            },
            actor=people.alice,
        )
    assert set(exc.value.message_dict) == {"display_name", "email", "phone", "country", "company_size"}
    assert not Lead.objects.exists()


def test_a_lead_needs_a_way_to_reach_it(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        lead_create(data={"display_name": "Jane Doe"}, actor=people.alice)
    assert "email" in exc.value.message_dict


def test_read_only_users_cannot_capture(people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        lead_create(data={"display_name": "x", "email": "x@example.kr"}, actor=people.rita)


def test_duplicates_by_email_phone_and_name_at_company_are_linked(people: Personas) -> None:
    account = account_create(data={"name": "인연상사"}, actor=people.alice)
    contact = contact_create(
        data={"display_name": "김민수", "emails": ["minsu@example.kr"], "account_id": account.pk},
        actor=people.alice,
    )
    by_phone = make_lead(people.alice, display_name="이영희", email="", phone="010-1111-2222")
    by_name = make_lead(people.alice, display_name="김민수", company="인연상사", email="other@example.kr")
    lead = lead_create(
        data={
            "display_name": "김 민수",
            "company": "인연상사",
            "email": "MINSU@example.kr",
            "phone": "01011112222",
        },
        actor=people.alice,
    )
    found = {(d.kind, d.id): d.reasons for d in lead_duplicates(user=people.alice, lead=lead)}
    assert "email" in found[("contact", contact.pk)] and "name_company" in found[("contact", contact.pk)]
    assert found[("lead", by_phone.pk)] == ["phone"]
    assert found[("lead", by_name.pk)] == ["name_company"]


def test_duplicates_the_viewer_may_not_see_are_not_shown(people: Personas) -> None:
    contact_create(data={"display_name": "박지성", "emails": ["park@example.kr"]}, actor=people.oscar)
    lead = make_lead(people.alice, display_name="박지성", email="park@example.kr")
    assert lead.duplicates.count() == 1
    assert lead_duplicates(user=people.alice, lead=lead) == []
    assert len(lead_duplicates(user=people.root, lead=lead)) == 1


def test_an_edit_with_a_stale_version_is_refused(people: Personas) -> None:
    from inyeon.core.errors import ConflictError

    lead = make_lead(people.alice)
    lead_update(lead=lead, data={"status": "working"}, actor=people.alice, expected_version=1)
    with pytest.raises(ConflictError):
        lead_update(lead=lead, data={"status": "qualified"}, actor=people.alice, expected_version=1)
    with pytest.raises(ValidationError) as exc:
        lead_update(lead=lead, data={"status": "converted"}, actor=people.alice)
    assert "status" in exc.value.message_dict
