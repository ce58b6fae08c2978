"""`inyeon export`: the list as one user sees it, to a file, with a progress bar on stderr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inyeon.core.models import AccessLog
from tests.conftest import Personas
from tests.dataio.export_helpers import csv_rows, xlsx_rows
from tests.factories import AccountFactory, ContactFactory


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_exports_what_the_user_may_see_with_filters(people: Personas, tmp_path: Path) -> None:
    ContactFactory(owner=people.alice, lifecycle_stage="core", primary_email="a@x.kr")
    ContactFactory(owner=people.alice, lifecycle_stage="prospect")
    ContactFactory(owner=people.oscar, lifecycle_stage="core")
    target = tmp_path / "core.csv"
    out, err = run(
        "contacts", "--output", str(target), "--user", "dave", "--stage", "core", "--owner", "alice"
    )
    rows = csv_rows(target.read_bytes())
    assert [r["owner"] for r in rows] == ["alice"]
    assert rows[0]["emails"] == "a•••@x.kr"  # dave sees personal data masked
    assert "1/1" in err
    assert "1 contacts written" in out
    assert AccessLog.objects.get(action="export").actor == people.dave


def test_it_writes_xlsx_of_accounts(people: Personas, tmp_path: Path) -> None:
    AccountFactory(owner=people.alice, name="(주)인연상사")
    target = tmp_path / "accounts.xlsx"
    run("accounts", "--format", "xlsx", "--output", str(target), "--user", "alice")
    assert [r["name"] for r in xlsx_rows(target.read_bytes())] == ["(주)인연상사"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "--user: no active user 'nobody'"),
        (["--user", "alice", "--stage", "vip"], "lifecycle_stage"),
        (["--user", "alice", "--r-score", "x"], "r_score"),
        (["--user", "alice", "--contact", "1"], "--contact does not filter contacts"),
        (["--user", "alice", "--owner", "ghost"], "--owner: no user 'ghost'"),
    ],
)
def test_bad_input_stops_with_a_clear_message(
    people: Personas, tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("contacts", "--output", str(tmp_path / "x.csv"), *args)


def test_a_missing_output_folder_is_named(people: Personas, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        run("contacts", "--output", str(tmp_path / "no" / "x.csv"), "--user", "alice")
