from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from inyeon.core.models import AccessLog
from tests.conftest import Personas, api_client, login
from tests.factories import ContactFactory


def rows(response: object) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("channel", ["web", "api"])
def test_an_export_holds_only_what_the_list_shows(people: Personas, channel: str) -> None:
    mine = ContactFactory(owner=people.alice, family_name="김", given_name="민수", primary_email="ms@x.kr")
    ContactFactory(owner=people.bob, family_name="박", given_name="지영")
    if channel == "web":
        response = login(people.alice).get(reverse("web:contact_export"))
    else:
        response = api_client(people.alice).get("/api/v1/contacts/export.csv")
    exported = rows(response)
    assert [r["id"] for r in exported] == [str(mine.pk)]
    assert exported[0]["display_name"] == "김민수"
    assert exported[0]["email"] == "ms@x.kr"
    log = AccessLog.objects.get(action="export")
    assert log.actor == people.alice


def test_an_export_keeps_the_lists_filters(people: Personas) -> None:
    ContactFactory(owner=people.alice, family_name="김", given_name="민수")
    ContactFactory(owner=people.alice, family_name="이", given_name="서연")
    exported = rows(login(people.alice).get(reverse("web:contact_export"), {"q": "ㅇㅅ"}))
    assert [r["display_name"] for r in exported] == ["이서연"]


def test_an_export_is_masked_for_roles_without_the_right(people: Personas) -> None:
    ContactFactory(owner=people.alice, primary_email="ms@x.kr", primary_phone="+821012345678")
    exported = rows(login(people.erin).get(reverse("web:contact_export")))
    assert exported[0]["email"] == "m•••@x.kr"
    assert "12345678" not in exported[0]["phone"]
    assert exported[0]["birth_date"] == "1990-**-**"


def test_cells_that_would_run_as_formulas_are_neutralised(people: Personas) -> None:
    ContactFactory(
        owner=people.alice, family_name="=HYPERLINK", given_name="(x)", display_name="=HYPERLINK(x)"
    )
    exported = rows(login(people.alice).get(reverse("web:contact_export")))
    assert exported[0]["display_name"] == "'=HYPERLINK(x)"
    assert exported[0]["family_name"] == "'=HYPERLINK"
