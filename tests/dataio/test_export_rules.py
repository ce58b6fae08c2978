"""Exports hold exactly what the list shows: visibility, masking, filters, the access log,
neutralised formulas, the BOM and the columns the import reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from inyeon.core.models import AccessLog
from inyeon.customers.channels import refresh_channel_text
from inyeon.customers.models import ContactEmail, ContactPhone, Tag
from inyeon.dataio.exports.rows import CONTACT_HEADER
from tests.conftest import Personas, api_client, login
from tests.dataio.export_helpers import body, csv_rows, xlsx_rows
from tests.factories import AccountFactory, ContactFactory, OrderFactory


def export(user: object, kind: str = "contacts", file_format: str = "csv", **filters: str) -> bytes:
    url = reverse("web:contact_export") if kind == "contacts" else reverse("web:account_export")
    response = login(user).get(url, {"format": file_format, **filters})  # type: ignore[arg-type]
    assert response.status_code == 200
    return body(response)


def test_the_header_names_every_importable_field_in_english(people: Personas) -> None:
    data = export(people.alice)
    assert data.startswith("\ufeff".encode())
    header = data.decode("utf-8")[1:].splitlines()[0].split(",")
    assert tuple(header) == CONTACT_HEADER
    assert {"emails", "phones", "tags", "account", "owner", "external_id", "id"} <= set(header)


def test_the_header_is_english_in_a_korean_session_too(people: Personas) -> None:
    client = login(people.alice)
    response = client.get(reverse("web:contact_export"), HTTP_ACCEPT_LANGUAGE="ko")
    assert body(response).decode("utf-8")[1:].splitlines()[0].split(",") == list(CONTACT_HEADER)


def test_oscar_exports_nothing_of_alices(people: Personas) -> None:
    ContactFactory(owner=people.alice, display_name="김민수")
    mine = ContactFactory(owner=people.oscar, display_name="부산사람")
    rows = csv_rows(export(people.oscar))
    assert [r["id"] for r in rows] == [str(mine.pk)]


def test_a_manager_exports_the_team_tree_and_a_filter_narrows_it(people: Personas) -> None:
    a = ContactFactory(owner=people.alice, family_name="김", given_name="민수", display_name="김민수")
    b = ContactFactory(owner=people.bob, family_name="이", given_name="서연", display_name="이서연")
    ContactFactory(owner=people.oscar)
    assert {r["id"] for r in csv_rows(export(people.carol))} == {str(a.pk), str(b.pk)}
    assert [r["id"] for r in csv_rows(export(people.carol, q="ㅇㅅ"))] == [str(b.pk)]


def test_every_channel_and_tag_is_exported_for_a_pii_role(people: Personas) -> None:
    account = AccountFactory(owner=people.alice, name="(주)인연상사")
    c = ContactFactory(
        owner=people.alice,
        account=account,
        external_id="EXT-1",
        primary_email="ms@x.kr",
        primary_phone="+821012345678",
        birth_date=dt.date(1990, 5, 17),
        job_title="팀장",
        notes='첫 줄\n둘째 줄, "따옴표"',
    )
    ContactEmail.objects.create(contact=c, email="work@y.kr")
    ContactPhone.objects.create(contact=c, number="+82212345678")
    c.tags.add(Tag.objects.create(name="VIP"), Tag.objects.create(name="골프"))
    refresh_channel_text([c.pk])  # additional rows written here, not through a service
    [row] = csv_rows(export(people.alice))
    assert row["emails"] == "ms@x.kr;work@y.kr"
    assert row["phones"] == "'+821012345678;+82212345678"  # a leading + is neutralised
    assert row["tags"] == "VIP;골프"
    assert row["birth_date"] == "1990-05-17"
    assert row["account"] == "(주)인연상사"
    assert row["owner"] == "alice"
    assert row["notes"] == '첫 줄\n둘째 줄, "따옴표"'
    assert row["external_id"] == "EXT-1"
    assert row["created_at"].endswith("Z")
    assert dt.datetime.fromisoformat(row["created_at"]) == c.created_at.replace(microsecond=0)


def test_dave_the_marketer_gets_masked_emails_phones_and_birth_dates(people: Personas) -> None:
    c = ContactFactory(owner=people.alice, primary_email="ms@x.kr", primary_phone="+821012345678")
    ContactEmail.objects.create(contact=c, email="work@y.kr")
    refresh_channel_text([c.pk])
    for rows in (csv_rows(export(people.dave)), xlsx_rows(export(people.dave, file_format="xlsx"))):
        [row] = rows
        assert row["emails"] == "m•••@x.kr;w•••@y.kr"
        assert row["phones"] == "'+82•••78"
        assert row["birth_date"] == "1990-**-**"


def test_an_export_without_channel_rows_shows_the_primary_values(people: Personas) -> None:
    ContactFactory(owner=people.alice, primary_email="only@x.kr", primary_phone="")
    [row] = csv_rows(export(people.alice))
    assert row["emails"] == "only@x.kr"
    assert row["phones"] == ""


def test_every_export_is_written_to_the_access_log(people: Personas) -> None:
    ContactFactory(owner=people.alice)
    export(people.dave, stage="prospect")
    export(people.alice, kind="accounts", file_format="xlsx")
    logs = list(AccessLog.objects.filter(action=AccessLog.Action.EXPORT).order_by("id"))
    assert [(log.actor, log.subject_type) for log in logs] == [
        (people.dave, "contact"),
        (people.alice, "account"),
    ]
    assert "lifecycle_stage=prospect" in logs[0].detail
    assert "accounts.xlsx" in logs[1].detail


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(people: Personas, start: str) -> None:
    ContactFactory(owner=people.alice, display_name=f"{start}HYPERLINK(x)", job_title=f"{start}1+1")
    [row] = csv_rows(export(people.alice))
    assert row["display_name"] == f"'{start}HYPERLINK(x)"
    assert row["job_title"] == f"'{start}1+1"
    # XML keeps no bare carriage return: XLSX readers see it as a line feed.
    [cells] = xlsx_rows(export(people.alice, file_format="xlsx"))
    assert cells["display_name"] == f"'{start}HYPERLINK(x)".replace("\r", "\n")
    assert cells["job_title"] == f"'{start}1+1".replace("\r", "\n")


def test_the_xlsx_export_is_readable_with_hangul(people: Personas) -> None:
    ContactFactory(owner=people.alice, family_name="김", given_name="민수", display_name="김민수")
    [row] = xlsx_rows(export(people.alice, file_format="xlsx"))
    assert row["display_name"] == "김민수"
    assert row["family_name"] == "김"


def test_accounts_export_follows_the_account_list(people: Personas) -> None:
    AccountFactory(owner=people.alice, name="삼성물산")
    theirs = AccountFactory(owner=people.oscar, name="부산상사")
    rows = csv_rows(export(people.oscar, kind="accounts"))
    assert [(r["id"], r["name"]) for r in rows] == [(str(theirs.pk), "부산상사")]


def test_orders_export_through_the_api_keeps_visibility(people: Personas) -> None:
    mine = OrderFactory(contact=ContactFactory(owner=people.alice), number="A-1", total_amount=25000)
    OrderFactory(contact=ContactFactory(owner=people.oscar), number="O-1")
    response = api_client(people.alice).get("/api/v1/exports/orders", {"format": "csv"})
    assert response.status_code == 200
    [row] = csv_rows(body(response))
    assert (row["id"], row["number"], row["total_amount"]) == (str(mine.pk), "A-1", "25000")


def test_a_bad_format_goes_back_to_the_list_with_a_message(people: Personas) -> None:
    response = login(people.alice).get(reverse("web:contact_export"), {"format": "pdf"})
    assert response.status_code == 302
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
