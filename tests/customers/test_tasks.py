from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from inyeon.customers.models import Contact
from inyeon.customers.tasks import contact_search_keys_rebuild
from tests.conftest import Personas
from tests.factories import ContactFactory


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when it finishes
def test_the_database_worker_runs_the_search_key_rebuild(people: Personas) -> None:
    broken = ContactFactory(owner=people.alice, family_name="김", given_name="민수")
    Contact.objects.filter(pk=broken.pk).update(search_name="", name_initials="")
    result = contact_search_keys_rebuild.enqueue()
    assert result.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    broken.refresh_from_db()
    assert (broken.search_name, broken.name_initials) == ("김민수", "ㄱㅁㅅ")


def test_the_rebuild_changes_nothing_the_second_time(people: Personas) -> None:
    ContactFactory(owner=people.alice)
    assert contact_search_keys_rebuild.call() == 0
