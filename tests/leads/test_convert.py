"""Conversion in one step: account, contact, optional opportunity, consents, notes, activities;
atomic, audited, and refused for a lead already converted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inyeon.core.models import AuditLog
from inyeon.customers.models import Account, Activity, ConsentRecord, Contact
from inyeon.customers.selectors import contact_timeline
from inyeon.customers.services import contact_create
from inyeon.leads.models import LeadEvent
from inyeon.leads.services import lead_activity_add, lead_convert, lead_create
from inyeon.sales.models import Opportunity
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def _lead(people: Personas, **extra: object) -> object:
    data = {
        "display_name": "최지우",
        "company": "지우테크",
        "industry": "제조",
        "job_title": "이사",
        "email": "jiwoo@example.kr",
        "phone": "010-5555-6666",
        "notes": "전시회에서 만남",
        "consent_email": True,
        "consent_purpose": "신제품 안내",
        **extra,
    }
    return lead_create(data=data, actor=people.alice)


def test_conversion_creates_and_links_everything(people: Personas) -> None:
    lead = _lead(people)
    lead_activity_add(lead=lead, data={"kind": "call", "subject": "첫 통화"}, actor=people.alice)  # type: ignore[arg-type]
    converted = lead_convert(
        lead=lead,  # type: ignore[arg-type]
        data={
            "create_opportunity": True,
            "opportunity_name": "지우테크 도입",
            "amount": 3_000_000,
            "close_date": "2026-12-31",
        },
        actor=people.alice,
    )
    account, contact, opp = (
        converted.converted_account,
        converted.converted_contact,
        converted.converted_opportunity,
    )
    assert converted.status == "converted" and converted.converted_by == people.alice
    assert account is not None and account.name == "지우테크" and account.owner == people.alice
    assert contact is not None and contact.account == account and contact.primary_email == "jiwoo@example.kr"
    assert contact.primary_phone == "+821055556666" and contact.notes == "전시회에서 만남"
    assert opp is not None and opp.contact == contact and opp.account == account and opp.amount == 3_000_000
    consent = ConsentRecord.objects.get(contact=contact)
    assert (consent.channel, consent.status, consent.purpose) == ("email", "granted", "신제품 안내")
    subjects = [e.title for e in contact_timeline(user=people.alice, contact=contact)]
    assert "첫 통화" in subjects
    assert any(s.startswith("Converted from lead") or s.startswith("리드") for s in subjects)
    assert LeadEvent.objects.get(lead=lead, kind="activity").activity is not None
    assert AuditLog.objects.filter(
        entity="lead", entity_id=str(converted.pk), changes__has_key="converted"
    ).exists()


def test_conversion_can_link_an_existing_contact_found_as_a_duplicate(people: Personas) -> None:
    existing = contact_create(
        data={"display_name": "최지우", "emails": ["jiwoo@example.kr"]}, actor=people.alice
    )
    lead = _lead(people)
    converted = lead_convert(lead=lead, data={"contact_id": existing.pk}, actor=people.alice)  # type: ignore[arg-type]
    assert converted.converted_contact == existing
    assert Contact.objects.count() == 1
    assert converted.converted_opportunity is None


def test_a_converted_lead_cannot_be_converted_again(people: Personas) -> None:
    lead = _lead(people)
    lead_convert(lead=lead, data={}, actor=people.alice)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as exc:
        lead_convert(lead=lead, data={}, actor=people.alice)  # type: ignore[arg-type]
    assert "__all__" in exc.value.message_dict
    assert Contact.objects.count() == 1 and Account.objects.count() == 1


def test_a_failure_half_way_writes_nothing(people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    lead = _lead(people)
    import inyeon.leads.services as services

    def broken(**kwargs: object) -> None:
        raise ValidationError({"stage_id": ["no stage"]})

    monkeypatch.setattr(services, "opportunity_create", broken)
    with pytest.raises(ValidationError):
        lead_convert(lead=lead, data={"create_opportunity": True}, actor=people.alice)  # type: ignore[arg-type]
    assert not Account.objects.exists() and not Contact.objects.exists() and not Activity.objects.exists()
    assert not ConsentRecord.objects.exists() and not Opportunity.objects.exists()
    lead.refresh_from_db()  # type: ignore[attr-defined]
    assert lead.status == "new"  # type: ignore[attr-defined]


def test_bad_opportunity_fields_are_named_before_anything_is_written(people: Personas) -> None:
    lead = _lead(people)
    with pytest.raises(ValidationError) as exc:
        lead_convert(
            lead=lead,
            data={"create_opportunity": True, "amount": -5, "close_date": "soon"},
            actor=people.alice,
        )  # type: ignore[arg-type]
    assert set(exc.value.message_dict) == {"amount", "close_date"}
    assert not Contact.objects.exists()


def test_another_reps_contact_cannot_be_linked(people: Personas) -> None:
    other = contact_create(data={"display_name": "남", "emails": ["n@example.kr"]}, actor=people.oscar)
    lead = _lead(people)
    with pytest.raises(ValidationError) as exc:
        lead_convert(lead=lead, data={"contact_id": other.pk}, actor=people.alice)  # type: ignore[arg-type]
    assert "contact_id" in exc.value.message_dict


def test_activities_are_refused_on_a_converted_lead(people: Personas) -> None:
    lead = _lead(people)
    lead_convert(lead=lead, data={}, actor=people.alice)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        lead_activity_add(lead=lead, data={"kind": "call", "subject": "late"}, actor=people.alice)  # type: ignore[arg-type]
