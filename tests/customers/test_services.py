from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import AuditLog
from inyeon.customers import services
from inyeon.customers.channels import emails_of
from inyeon.customers.models import Address, Contact, ContactEmail, ContactPhone, StageChange
from inyeon.customers.selectors import consent_state, has_consent
from tests.conftest import Personas
from tests.factories import AccountFactory, ContactFactory, ProductFactory


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Contact, ContactEmail, ContactPhone, Address, AuditLog))


@pytest.mark.parametrize(
    ("display", "family", "given"),
    [("김민수", "김", "민수"), ("남궁민수", "남궁", "민수"), ("김 민수", "김", "민수"), ("이서", "이", "서")],
)
def test_a_korean_full_name_is_split(people: Personas, display: str, family: str, given: str) -> None:
    c = services.contact_create(data={"display_name": display}, actor=people.alice)
    assert (c.family_name, c.given_name, c.name_order) == (family, given, "eastern")


def test_western_names_are_shown_given_name_first(people: Personas) -> None:
    c = services.contact_create(data={"family_name": "Kim", "given_name": "Minsu"}, actor=people.alice)
    assert (c.display_name, c.name_order) == ("Minsu Kim", "western")


def test_channels_are_normalised_and_the_first_is_primary(people: Personas) -> None:
    c = services.contact_create(
        data={
            "display_name": "박지영",
            "emails": ["  JY@Example.com ", "jy@example.com", "b@x.kr"],
            "phones": ["010-1234-5678", "+1 415 555 0100"],
        },
        actor=people.alice,
    )
    assert (c.primary_email, c.primary_phone) == ("jy@example.com", "+821012345678")
    # The primary values are on the contact only; the channel rows hold the additional ones.
    assert list(c.emails.values_list("email", flat=True)) == ["b@x.kr"]
    assert list(c.phones.values_list("number", flat=True)) == ["+14155550100"]
    assert emails_of(c) == ["jy@example.com", "b@x.kr"]
    assert c.phones_text == "+821012345678;+14155550100"


def test_every_bad_field_is_named_and_nothing_is_written(people: Personas) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            data={
                "display_name": "홍길동",
                "emails": ["ok@x.kr", "bad@"],
                "phones": ["12"],
                "birth_date": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
                "lifecycle_stage": "vip",
                "addresses": [{"line1": ""}],
            },
            actor=people.alice,
        )
    assert set(error_dict(exc.value)) == {
        "emails[1]",
        "phones[0]",
        "birth_date",
        "lifecycle_stage",
        "addresses[0].line1",
    }
    assert counts() == before


def test_a_name_is_required(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contact_create(data={"emails": ["a@b.kr"]}, actor=people.alice)
    assert "display_name" in error_dict(exc.value)


def test_roles_without_write_rights_are_refused(people: Personas) -> None:
    for user in (people.erin, people.rita):
        with pytest.raises(PermissionDenied):
            services.contact_create(data={"display_name": "X"}, actor=user)
    assert not Contact.objects.exists()


def test_an_invisible_account_or_foreign_owner_is_refused(people: Personas) -> None:
    oscars_account = AccountFactory(owner=people.oscar)
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            data={"display_name": "X", "account_id": oscars_account.pk, "owner_id": people.bob.pk},
            actor=people.alice,
        )
    assert set(error_dict(exc.value)) == {"account_id", "owner_id"}


def test_a_contact_cannot_refer_themselves(people: Personas) -> None:
    c = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as exc:
        services.contact_update(contact=c, data={"referred_by_id": c.pk}, actor=people.alice)
    assert "referred_by_id" in error_dict(exc.value)


def test_a_stage_change_is_recorded(people: Personas) -> None:
    c = services.contact_create(data={"display_name": "최유리"}, actor=people.alice)
    services.contact_update(contact=c, data={"lifecycle_stage": "core"}, actor=people.alice)
    change = StageChange.objects.filter(contact=c).order_by("-id").first()
    assert change is not None
    assert (change.from_stage, change.to_stage, change.changed_by) == ("prospect", "core", people.alice)


def test_a_stale_version_is_refused_and_nothing_changes(people: Personas) -> None:
    c = ContactFactory(owner=people.alice, job_title="a")
    services.contact_update(contact=c, data={"job_title": "b"}, actor=people.alice, expected_version=1)
    with pytest.raises(ConflictError):
        services.contact_update(contact=c, data={"job_title": "c"}, actor=people.alice, expected_version=1)
    c.refresh_from_db()
    assert (c.job_title, c.version) == ("b", 2)


def test_updates_audit_old_and_new_values(people: Personas) -> None:
    c = services.contact_create(data={"display_name": "정하나", "emails": ["a@x.kr"]}, actor=people.alice)
    services.contact_update(contact=c, data={"emails": ["b@x.kr"], "job_title": "팀장"}, actor=people.alice)
    row = AuditLog.objects.get(entity="contact", action="update")
    assert row.changes["emails"] == [["a@x.kr"], ["b@x.kr"]]
    assert row.changes["primary_email"] == ["a@x.kr", "b@x.kr"]
    assert row.changes["job_title"] == ["", "팀장"]


def test_consent_state_is_the_latest_record_per_channel(people: Personas) -> None:
    c = ContactFactory(owner=people.alice)
    assert not has_consent(c, "email")
    services.consent_record(
        contact=c, channel="email", status="granted", purpose="뉴스레터", source="web", actor=people.alice
    )
    services.consent_record(
        contact=c, channel="night", status="granted", purpose="야간 광고", source="web", actor=people.alice
    )
    services.consent_record(
        contact=c, channel="email", status="withdrawn", purpose="수신 거부", source="전화", actor=people.alice
    )
    state = consent_state(c)
    assert state["email"] is not None
    assert state["email"].status == "withdrawn"
    assert has_consent(c, "night")
    assert state["sms"] is None
    assert c.consents.count() == 3


def test_a_consent_needs_a_known_channel_purpose_and_source(people: Personas) -> None:
    c = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            contact=c, channel="fax", status="granted", purpose="", source="", actor=people.alice
        )
    assert set(error_dict(exc.value)) == {"channel", "purpose", "source"}


def test_an_order_totals_its_lines(people: Personas) -> None:
    c = ContactFactory(owner=people.alice)
    p = ProductFactory(unit_price=12000)
    order = services.order_create(
        data={
            "contact_id": c.pk,
            "lines": [{"product_id": p.pk, "quantity": 2}, {"description": "배송비", "unit_price": 3000}],
        },
        actor=people.alice,
    )
    assert (order.total_amount, order.quantity, order.owner, order.currency) == (
        27000,
        3,
        people.alice,
        "KRW",
    )


def test_an_order_needs_a_real_currency(people: Personas) -> None:
    c = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as exc:
        services.order_create(
            data={"contact_id": c.pk, "currency": "XYZ", "total_amount": 1}, actor=people.alice
        )
    assert "currency" in error_dict(exc.value)


def test_every_write_is_audited(people: Personas) -> None:
    c = services.contact_create(data={"display_name": "한지민"}, actor=people.alice)
    a = services.account_create(data={"name": "(주)한빛"}, actor=people.alice)
    services.account_update(account=a, data={"industry": "IT"}, actor=people.alice)
    services.activity_create(data={"kind": "note", "subject": "메모", "contact_id": c.pk}, actor=people.alice)
    services.record_share(record_type="contact", record_id=c.pk, user=people.bob, actor=people.alice)
    services.contact_delete(contact=c, actor=people.alice)
    services.account_delete(account=a, actor=people.alice)
    entities = list(AuditLog.objects.order_by("id").values_list("entity", "action"))
    assert ("contact", "create") in entities
    assert ("account", "update") in entities
    assert ("activity", "create") in entities
    assert ("share", "create") in entities
    assert ("contact", "delete") in entities
    assert ("account", "delete") in entities
    assert all(row.actor == people.alice for row in AuditLog.objects.exclude(entity__in=["team", "user"]))


def test_an_address_without_a_street_line_is_refused(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            data={"display_name": "X", "addresses": [{"city": "서울"}]}, actor=people.alice
        )
    assert "addresses[0].line1" in error_dict(exc.value)
    assert not Contact.objects.exists()


def test_a_tag_cannot_contain_the_separator(people: Personas) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            data={"display_name": "홍길동", "tags": ["vip", "서울;부산"]}, actor=people.alice
        )
    assert error_dict(exc.value) == {"tags[1]": ["A tag cannot contain ';'."]}
    assert counts() == before
