"""Optimistic concurrency: ETag and If-Match (412) or a body version (409); a stale write changes nothing."""

from __future__ import annotations

from inyeon.core.models import AuditLog
from tests.api.helpers import PROBLEM, body, patch
from tests.conftest import Personas, api_client
from tests.factories import AccountFactory, ContactFactory

CONTACTS = "/api/v1/contacts"
ACCOUNTS = "/api/v1/accounts"


def updates() -> int:
    return AuditLog.objects.filter(action="update").count()


def test_the_etag_is_the_version_and_moves_with_each_change(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    first = client.get(f"{CONTACTS}/{contact.pk}")
    assert first["ETag"] == '"1"' and body(first)["version"] == 1
    changed = patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "a"}, **{"If-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"' == client.get(f"{CONTACTS}/{contact.pk}")["ETag"]


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, notes="old")
    client = api_client(people.alice)
    etag = client.get(f"{CONTACTS}/{contact.pk}")["ETag"]
    assert (
        patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "first"}, **{"If-Match": etag}).status_code == 200
    )
    before = updates()
    response = patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "second"}, **{"If-Match": etag})
    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    assert body(response)["current_version"] == 2 and response["ETag"] == '"2"'
    assert body(response)["type"].endswith("/precondition-failed")
    contact.refresh_from_db()
    assert (contact.notes, contact.version, updates()) == ("first", 2, before)


def test_patch_with_a_stale_body_version_is_409_and_changes_nothing(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, notes="old")
    client = api_client(people.alice)
    assert patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "a", "version": 1}).status_code == 200
    before = updates()
    response = patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "b", "version": 1})
    assert response.status_code == 409
    assert body(response)["current_version"] == 2 and body(response)["type"].endswith("/conflict")
    contact.refresh_from_db()
    assert (contact.notes, contact.version, updates()) == ("a", 2, before)


def test_a_fresh_if_match_does_not_excuse_a_stale_body_version(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, version=3)
    response = patch(
        api_client(people.alice),
        f"{CONTACTS}/{contact.pk}",
        {"notes": "x", "version": 2},
        **{"If-Match": '"3"'},
    )
    assert response.status_code == 409


def test_a_change_that_lands_after_our_read_is_still_refused_with_412(people: Personas, monkeypatch) -> None:
    """The service re-checks the version under a row lock; an If-Match client hears 412, not 409."""
    from inyeon.customers import services
    from inyeon.customers.models import Contact

    contact = ContactFactory(owner=people.alice, notes="old")
    real_update = services.contact_update

    def someone_else_first(**kwargs: object) -> object:
        Contact.objects.filter(pk=contact.pk).update(version=2, notes="theirs")
        return real_update(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "contact_update", someone_else_first)
    response = patch(
        api_client(people.alice), f"{CONTACTS}/{contact.pk}", {"notes": "mine"}, **{"If-Match": '"1"'}
    )
    assert response.status_code == 412
    contact.refresh_from_db()
    assert contact.notes == "theirs"


def test_without_a_precondition_the_patch_applies(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, version=5)
    assert patch(api_client(people.alice), f"{CONTACTS}/{contact.pk}", {"notes": "x"}).status_code == 200


def test_if_match_star_and_lists_of_etags_are_understood(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, version=3)
    client = api_client(people.alice)
    assert patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "a"}, **{"If-Match": "*"}).status_code == 200
    assert (
        patch(client, f"{CONTACTS}/{contact.pk}", {"notes": "b"}, **{"If-Match": '"1", "4"'}).status_code
        == 200
    )


def test_a_malformed_if_match_is_a_400_problem(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = patch(
        api_client(people.alice), f"{CONTACTS}/{contact.pk}", {"notes": "a"}, **{"If-Match": "yesterday"}
    )
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


def test_delete_with_a_stale_if_match_is_412_and_deletes_nothing(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, version=2)
    client = api_client(people.alice)
    assert client.delete(f"{CONTACTS}/{contact.pk}", headers={"If-Match": '"1"'}).status_code == 412
    assert client.get(f"{CONTACTS}/{contact.pk}").status_code == 200
    assert client.delete(f"{CONTACTS}/{contact.pk}", headers={"If-Match": '"2"'}).status_code == 204


def test_accounts_follow_the_same_rules(people: Personas) -> None:
    account = AccountFactory(owner=people.alice, industry="유통")
    client = api_client(people.alice)
    etag = client.get(f"{ACCOUNTS}/{account.pk}")["ETag"]
    assert etag == '"1"'
    assert (
        patch(client, f"{ACCOUNTS}/{account.pk}", {"industry": "제조"}, **{"If-Match": etag}).status_code
        == 200
    )
    assert (
        patch(client, f"{ACCOUNTS}/{account.pk}", {"industry": "금융"}, **{"If-Match": etag}).status_code
        == 412
    )
    assert patch(client, f"{ACCOUNTS}/{account.pk}", {"industry": "금융", "version": 1}).status_code == 409
    account.refresh_from_db()
    assert (account.industry, account.version) == ("제조", 2)
