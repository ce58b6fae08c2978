"""customers.0012: the primary e-mail and phone move to the contact row only (a contact whose
primary column was empty takes its primary row's value), and back again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inyeon.customers.models import Contact

BEFORE = ("customers", "0011_contact_owner_stage_index")
AFTER = ("customers", "0012_primary_channels_on_the_contact_only")


def migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.fixture
def at_0011() -> Iterator[Any]:
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def rows(apps: Any, model: str, value: str) -> list[tuple[str, str, bool]]:
    found = apps.get_model("customers", model).objects.values_list(
        "contact__display_name", value, "is_primary"
    )
    return sorted(found)


@pytest.mark.django_db(transaction=True)
def test_primary_rows_move_to_the_contact_and_back(at_0011: Any) -> None:
    apps = at_0011
    owner = apps.get_model("core", "User").objects.create(username="owner")
    Old = apps.get_model("customers", "Contact")
    Email, Phone = apps.get_model("customers", "ContactEmail"), apps.get_model("customers", "ContactPhone")
    a = Old.objects.create(owner=owner, display_name="a", primary_email="", primary_phone="+821011112222")
    Email.objects.create(contact=a, email="first@x.kr", is_primary=True)  # its column was never filled
    Email.objects.create(contact=a, email="second@x.kr")
    Phone.objects.create(contact=a, number="+821011112222", is_primary=True)
    b = Old.objects.create(owner=owner, display_name="b", primary_email="b@x.kr")
    Email.objects.create(contact=b, email="b@x.kr", is_primary=True)

    migrate(AFTER)
    a_now, b_now = Contact.objects.get(pk=a.pk), Contact.objects.get(pk=b.pk)
    assert (a_now.primary_email, a_now.primary_phone) == ("first@x.kr", "+821011112222")
    assert list(a_now.emails.values_list("email", flat=True)) == ["second@x.kr"]
    assert not a_now.phones.exists()
    assert b_now.primary_email == "b@x.kr" and not b_now.emails.exists()

    apps = migrate(BEFORE)
    assert rows(apps, "ContactEmail", "email") == [
        ("a", "first@x.kr", True),
        ("a", "second@x.kr", False),
        ("b", "b@x.kr", True),
    ]
    assert rows(apps, "ContactPhone", "number") == [("a", "+821011112222", True)]
