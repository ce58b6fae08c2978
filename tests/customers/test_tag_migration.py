"""customers.0010: tag names with ';' are renamed (or folded into the tag of the new name)."""

from __future__ import annotations

import importlib

from django.apps import apps

from inyeon.customers.models import Contact, Tag
from tests.conftest import Personas
from tests.factories import ContactFactory

migration = importlib.import_module("inyeon.customers.migrations.0010_tag_names_without_separator")


def test_tags_with_the_separator_are_renamed_or_folded(people: Personas) -> None:
    first = ContactFactory(owner=people.alice)
    second = ContactFactory(owner=people.alice)
    legacy = Tag.objects.create(name="서울;부산")
    taken = Tag.objects.create(name="a/b")
    clash = Tag.objects.create(name="a;b")
    vip = Tag.objects.create(name="vip")
    first.tags.set([legacy, clash, vip])
    second.tags.set([taken, clash])

    migration.rename(apps, None)

    assert not Tag.objects.filter(name__contains=";").exists()
    assert sorted(first.tags.values_list("name", flat=True)) == ["a/b", "vip", "서울/부산"]
    assert list(second.tags.values_list("name", flat=True)) == ["a/b"]
    texts = dict(Contact.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "tags_text"))
    assert texts == {first.pk: "a/b;vip;서울/부산", second.pk: "a/b"}
