"""Contact search (Hangul prefixes, 초성, e-mail, phone), filters and sort orders."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inyeon.customers.models import Tag
from tests.api.helpers import body, error_fields
from tests.conftest import Personas, api_client
from tests.factories import AccountFactory, ContactFactory

URL = "/api/v1/contacts"


def ids(client: object, **params: object) -> list[int]:
    response = client.get(URL, params)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.content
    return [c["id"] for c in body(response)["items"]]


def test_search_finds_hangul_prefixes_and_initial_consonants(people: Personas) -> None:
    minsu = ContactFactory(owner=people.alice, family_name="김", given_name="민수")
    ContactFactory(owner=people.alice, family_name="이", given_name="서연")
    client = api_client(people.alice)
    for q in ("김민", "ㄱㅁㅅ", "ㄱㅁ", "김 민수", "민수"):
        assert ids(client, q=q) == [minsu.pk], q


def test_search_finds_e_mail_and_phone_prefixes(people: Personas) -> None:
    minsu = ContactFactory(
        owner=people.alice, primary_email="minsu@example.kr", primary_phone="+821012345678"
    )
    ContactFactory(owner=people.alice, primary_email="seoyeon@example.kr", primary_phone="+821098765432")
    client = api_client(people.alice)
    for q in ("minsu@", "minsu@example.kr", "010-1234", "01012345678", "+8210 1234"):
        assert ids(client, q=q) == [minsu.pk], q


def test_search_never_reaches_past_visibility(people: Personas) -> None:
    ContactFactory(owner=people.bob, family_name="김", given_name="민수")
    assert ids(api_client(people.alice), q="김민") == []


def test_filters_narrow_the_list(people: Personas) -> None:
    account = AccountFactory(owner=people.carol)
    vip = Tag.objects.create(name="VIP")
    core = ContactFactory(owner=people.alice, lifecycle_stage="core", account=account)
    core.tags.add(vip)
    churned = ContactFactory(owner=people.bob, lifecycle_stage="churned")
    client = api_client(people.carol)
    assert ids(client, lifecycle_stage="core") == [core.pk]
    assert ids(client, owner_id=people.bob.pk) == [churned.pk]
    assert ids(client, team_id=people.gangnam.pk) == [core.pk]
    assert ids(client, account_id=account.pk) == [core.pk]
    assert ids(client, tag="VIP") == [core.pk]


def test_created_dates_bound_the_list_inclusively(people: Personas) -> None:
    now = timezone.now()
    old = ContactFactory(owner=people.alice, created_at=now - dt.timedelta(days=30))
    new = ContactFactory(owner=people.alice, created_at=now)
    client = api_client(people.alice)
    today = timezone.localdate(now).isoformat()
    assert ids(client, created_after=today) == [new.pk]
    assert ids(client, created_before=timezone.localdate(old.created_at).isoformat()) == [old.pk]


def test_sort_orders_by_name_or_by_date(people: Personas) -> None:
    now = timezone.now()
    b = ContactFactory(owner=people.alice, family_name="박", given_name="서준", created_at=now)
    a = ContactFactory(
        owner=people.alice, family_name="강", given_name="하늘", created_at=now - dt.timedelta(hours=1)
    )
    client = api_client(people.alice)
    assert ids(client) == [b.pk, a.pk]
    assert ids(client, sort="created_at") == [a.pk, b.pk]
    assert ids(client, sort="search_name") == [a.pk, b.pk]


def test_an_unknown_sort_or_stage_or_date_is_a_field_error(people: Personas) -> None:
    client = api_client(people.alice)
    assert error_fields(client.get(URL, {"sort": "password"})) == {"sort"}
    assert error_fields(client.get(URL, {"lifecycle_stage": "vip"})) == {"lifecycle_stage"}
    assert error_fields(client.get(URL, {"created_after": "yesterday"})) == {"created_after"}
    assert error_fields(client.get(URL, {"owner_id": "bob"})) == {"owner_id"}
