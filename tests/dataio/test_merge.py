"""Merging two contacts: field choice, every related row re-pointed, strictest consent, audit, undo."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.analytics.models import CustomerScore
from inyeon.core.models import AuditLog, RecordShare
from inyeon.customers import services as customers
from inyeon.customers.channels import emails_of, phones_of
from inyeon.customers.models import (
    Activity,
    Address,
    ConsentRecord,
    Contact,
    ContactEmail,
    ContactPhone,
    Order,
    StageChange,
)
from inyeon.customers.selectors import consent_state
from inyeon.dataio.duplicates import services
from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, MergeRecord
from tests.conftest import Personas
from tests.dataio.dup_helpers import make
from tests.factories import ActivityFactory, OrderFactory

pytestmark = pytest.mark.django_db


@dataclass
class Pair:
    survivor: Contact
    merged: Contact
    referral: Contact


def consent(contact: Contact, channel: str, status: str) -> None:
    customers.consent_record(
        contact=contact, channel=channel, status=status, purpose="news", source="test", actor=None
    )


@pytest.fixture
def pair(people: Personas) -> Pair:
    survivor = make(
        people.alice,
        display_name="김민수",
        emails=["minsu@example.kr", "shared@example.kr"],
        phones=["010-1111-2222"],
        tags=["vip"],
        job_title="과장",
    )
    merged = make(
        people.alice,
        display_name="Kim Minsu",
        emails=["shared@example.kr", "kim@work.kr"],
        phones=["010-9999-8888"],
        tags=["vip", "seminar"],
        addresses=[{"line1": "서울특별시 마포구 월드컵북로 396", "postal_code": "03925"}],
        job_title="부장",
        external_id="CRM-7",
    )
    referral = make(people.alice, display_name="이영희", referred_by_id=merged.pk, birth_date="1970-01-01")
    OrderFactory(contact=merged, owner=people.alice, team=people.gangnam)
    ActivityFactory(contact=merged)
    CustomerScore.objects.create(contact=merged, frequency=3)
    CustomerScore.objects.create(contact=survivor, frequency=1)
    RecordShare.objects.create(record_type="contact", record_id=merged.pk, user=people.bob)
    consent(survivor, "email", "granted")
    consent(merged, "email", "withdrawn")
    consent(survivor, "sms", "granted")
    consent(merged, "sms", "granted")
    consent(merged, "post", "granted")
    services.duplicates_flag(contact_ids=[merged.pk])
    return Pair(survivor, merged, referral)


def merge(pair: Pair, actor: object, **choices: str) -> MergeRecord:
    return services.contacts_merge(
        survivor=pair.survivor,
        merged=pair.merged,
        choices=choices,
        actor=actor,
        ip="10.0.0.1",  # type: ignore[arg-type]
    )


def test_the_survivor_takes_each_field_from_the_side_chosen(pair: Pair, people: Personas) -> None:
    merge(pair, people.carol, job_title="merged", external_id="merged", display_name="survivor")
    survivor = Contact.objects.get(pk=pair.survivor.pk)
    assert (survivor.job_title, survivor.external_id, survivor.display_name) == ("부장", "CRM-7", "김민수")
    assert survivor.version == pair.survivor.version + 1
    assert not Contact.objects.filter(pk=pair.merged.pk).exists()


def test_every_related_record_follows_the_survivor(pair: Pair, people: Personas) -> None:
    merged_id = pair.merged.pk
    merge(pair, people.carol)
    s = pair.survivor
    assert Order.objects.filter(contact=s).count() == 1
    assert Activity.objects.filter(contact=s).count() == 1
    assert Address.objects.filter(contact=s).count() == 1
    assert StageChange.objects.filter(contact=s).count() == 2
    assert ConsentRecord.objects.filter(contact=s, source="test").count() == 5
    s.refresh_from_db()
    assert emails_of(s) == ["minsu@example.kr", "shared@example.kr", "kim@work.kr"]
    # The merged contact's primary phone, not chosen, stays as an additional one.
    assert phones_of(s) == ["+821011112222", "+821099998888"]
    assert s.emails_text == "minsu@example.kr;shared@example.kr;kim@work.kr"
    assert Contact.objects.get(pk=pair.referral.pk).referred_by_id == s.pk
    assert sorted(s.tags.values_list("name", flat=True)) == ["seminar", "vip"]
    assert RecordShare.objects.filter(record_type="contact", record_id=s.pk, user=people.bob).exists()
    assert CustomerScore.objects.get(contact=s).frequency == 1  # the merged one's score is dropped
    assert not CustomerScore.objects.filter(contact_id=merged_id).exists()
    assert not DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN).exists()


def channels() -> list[tuple[int, str, str]]:
    """Every contact's e-mails and phones: (contact, "primary" or "more", value)."""
    out = [
        (pk, "primary", v)
        for pk, *values in Contact.objects.values_list("pk", "primary_email", "primary_phone")
        for v in values
        if v
    ]
    out += [(pk, "more", v) for pk, v in ContactEmail.objects.values_list("contact_id", "email")]
    out += [(pk, "more", v) for pk, v in ContactPhone.objects.values_list("contact_id", "number")]
    return sorted(out)


def test_the_primary_email_chosen_from_the_merged_side_leaves_its_row(pair: Pair, people: Personas) -> None:
    before = channels()
    record = merge(pair, people.carol, primary_email="merged", primary_phone="merged")
    s = Contact.objects.get(pk=pair.survivor.pk)
    assert s.primary_email == "shared@example.kr"
    # The survivor's own row for the chosen value goes; its old primary stays as an additional one.
    assert list(s.emails.order_by("id").values_list("email", flat=True)) == [
        "kim@work.kr",
        "minsu@example.kr",
    ]
    assert emails_of(s) == ["shared@example.kr", "kim@work.kr", "minsu@example.kr"]
    assert phones_of(s) == ["+821099998888", "+821011112222"]
    assert s.emails_text == "shared@example.kr;kim@work.kr;minsu@example.kr"
    services.merge_undo(record=record, actor=people.root)
    assert channels() == before


def test_the_strictest_consent_state_wins(pair: Pair, people: Personas) -> None:
    merge(pair, people.carol)
    state = {channel: r.status if r else None for channel, r in consent_state(pair.survivor).items()}
    # email: granted vs withdrawn; post: never asked vs granted -> withdrawn; sms granted on both.
    assert state == {
        "email": "withdrawn",
        "sms": "granted",
        "phone": None,
        "post": "withdrawn",
        "night": None,
    }
    assert ConsentRecord.objects.filter(contact=pair.survivor, source="merge").count() == 2


def test_the_merge_is_audited(pair: Pair, people: Personas) -> None:
    record = merge(pair, people.carol, job_title="merged")
    update = AuditLog.objects.get(
        entity="contact", entity_id=str(pair.survivor.pk), changes__merge=[None, record.pk]
    )
    assert update.actor == people.carol and update.ip == "10.0.0.1"
    assert update.changes["job_title"] == ["과장", "부장"]
    assert AuditLog.objects.filter(action="delete", entity="contact", entity_id=str(pair.merged.pk)).exists()


def test_undo_restores_everything(pair: Pair, people: Personas) -> None:
    merged_id = pair.merged.pk
    before_emails = channels()
    before_consents = sorted(ConsentRecord.objects.values_list("pk", "contact_id"))
    record = merge(pair, people.carol, job_title="merged", display_name="merged")
    restored = services.merge_undo(record=record, actor=people.root)
    assert (
        restored.pk == merged_id and restored.display_name == "Kim Minsu" and restored.external_id == "CRM-7"
    )
    survivor = Contact.objects.get(pk=pair.survivor.pk)
    assert (survivor.job_title, survivor.display_name, survivor.search_name) == ("과장", "김민수", "김민수")
    assert Order.objects.get().contact_id == merged_id
    assert Activity.objects.get().contact_id == merged_id
    assert Address.objects.get().contact_id == merged_id
    assert Contact.objects.get(pk=pair.referral.pk).referred_by_id == merged_id
    assert channels() == before_emails
    assert sorted(ConsentRecord.objects.values_list("pk", "contact_id")) == before_consents
    assert sorted(restored.tags.values_list("name", flat=True)) == ["seminar", "vip"]
    assert list(survivor.tags.values_list("name", flat=True)) == ["vip"]
    assert CustomerScore.objects.get(contact_id=merged_id).frequency == 3
    assert RecordShare.objects.get(user=people.bob).record_id == merged_id
    assert DuplicateCandidate.objects.get(first=survivor, second=restored).status == CandidateStatus.OPEN
    record.refresh_from_db()
    assert record.undone_by == people.root and record.undone_at is not None
    assert AuditLog.objects.filter(
        entity="contact", entity_id=str(merged_id), changes__merge_undone=[None, record.pk]
    ).exists()
    with pytest.raises(ValidationError):
        services.merge_undo(record=record, actor=people.root)


def test_a_rep_may_not_merge(pair: Pair, people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        merge(pair, people.alice)
    assert Contact.objects.filter(pk=pair.merged.pk).exists()


def test_a_manager_may_not_merge_a_contact_out_of_reach(pair: Pair, people: Personas) -> None:
    busan = make(people.oscar, display_name="Kim Minsu")
    with pytest.raises(ValidationError) as caught:
        services.contacts_merge(survivor=pair.survivor, merged=busan, choices={}, actor=people.carol)
    assert set(caught.value.message_dict) == {"merged"}


def test_unknown_choices_are_refused_naming_the_field(pair: Pair, people: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        merge(pair, people.carol, version="merged", job_title="both")
    assert set(caught.value.message_dict) == {"choices.version", "choices.job_title"}


def test_a_contact_cannot_be_merged_into_itself(pair: Pair, people: Personas) -> None:
    with pytest.raises(ValidationError):
        services.contacts_merge(survivor=pair.survivor, merged=pair.survivor, choices={}, actor=people.root)
