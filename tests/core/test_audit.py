from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from inyeon.core.audit import audit, log_access
from inyeon.core.models import AccessLog, AuditLog
from inyeon.core.pii import mask_birth_date, mask_email, mask_phone
from inyeon.customers.privacy import log_pii_access, present_pii
from tests.conftest import Personas
from tests.factories import ContactFactory


def test_audit_rows_cannot_be_changed_or_deleted(people: Personas) -> None:
    row = audit(actor=people.alice, action="update", entity="contact", entity_id=1, changes={"a": [1, 2]})
    row.changes = {}
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(changes={})
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=row.pk).changes == {"a": [1, 2]}


def test_access_rows_cannot_be_changed_or_deleted(people: Personas) -> None:
    log_access(actor=people.alice, action="view", subject_type="contact", subject_ids=[1], ip="10.0.0.1")
    row = AccessLog.objects.get()
    assert (row.actor, row.actor_name, row.ip, row.action) == (people.alice, "alice", "10.0.0.1", "view")
    assert (row.subject_type, row.subject_ids) == ("contact", [1])
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        row.delete()


def test_production_passwords_are_hashed_with_argon2(settings: object) -> None:
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    from inyeon import settings as inyeon_settings

    assert inyeon_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert make_password("secret words here").startswith("argon2")


def test_masks_keep_just_enough_to_recognise() -> None:
    import datetime as dt

    assert mask_email("minsu@example.kr") == "m•••@example.kr"
    assert mask_phone("+821012345678") == "+82•••78"
    assert mask_birth_date(dt.date(1990, 5, 17)) == "1990-**-**"


@pytest.mark.parametrize(
    ("persona", "masked"),
    [
        ("alice", False),
        ("carol", False),
        ("sam", False),
        ("root", False),
        ("dave", True),
        ("erin", True),
        ("rita", True),
    ],
)
def test_each_role_sees_personal_data_as_its_right_allows(
    people: Personas, persona: str, masked: bool
) -> None:
    contact = ContactFactory(owner=people.alice, primary_email="minsu@example.kr")
    pii = present_pii(contact, getattr(people, persona))
    assert pii.masked is masked
    assert (pii.email == "minsu@example.kr") is (not masked)


def test_access_is_logged_only_when_personal_data_was_shown(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    log_pii_access(user=people.erin, contacts=[contact], action="view", ip="127.0.0.1")
    assert not AccessLog.objects.exists()
    log_pii_access(user=people.alice, contacts=[contact], action="view", ip="127.0.0.1")
    assert AccessLog.objects.get().subject_ids == [contact.pk]


def test_short_money_reads_in_korean_and_english_units() -> None:
    from inyeon.core.money import format_money_short

    assert format_money_short(154_233_000, "KRW", "ko") == "₩1.5억"
    assert format_money_short(34_000_000, "KRW", "ko") == "₩3,400만"
    assert format_money_short(154_233_000, "KRW", "en") == "₩154.2M"
    assert format_money_short(999, "KRW", "en") == "₩999"
