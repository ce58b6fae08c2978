from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inyeon.core.models import ApiToken, Team, User
from inyeon.core.services import token_authenticate


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "pw.txt"
    path.write_text("a long enough passphrase 42\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_user_create_makes_the_user_and_its_team(password_file: Path) -> None:
    call_command(
        "user",
        "create",
        "--username",
        "kim",
        "--password-file",
        str(password_file),
        "--role",
        "sales_rep",
        "--team",
        "강남팀",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="kim")
    assert user.role == "sales_rep"
    assert user.team == Team.objects.get(name="강남팀")
    assert user.check_password("a long enough passphrase 42")


@pytest.mark.django_db
def test_user_create_refuses_a_weak_password_naming_the_option(tmp_path: Path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("123\n")
    with pytest.raises(CommandError, match="--password"):
        call_command("user", "create", "--username", "kim", "--password-file", str(weak), "--role", "analyst")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_user_create_refuses_an_unknown_role(password_file: Path) -> None:
    with pytest.raises(CommandError, match="role"):
        call_command(
            "user", "create", "--username", "kim", "--password-file", str(password_file), "--role", "emperor"
        )


@pytest.mark.django_db
def test_a_token_is_printed_once_stored_hashed_and_can_be_revoked(password_file: Path) -> None:
    call_command(
        "user",
        "create",
        "--username",
        "kim",
        "--password-file",
        str(password_file),
        "--role",
        "analyst",
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command("token", "create", "--user", "kim", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("iny_")
    token = ApiToken.objects.get()
    assert raw not in (token.digest, token.prefix)
    assert token_authenticate(raw) == User.objects.get(username="kim")
    call_command("token", "revoke", "--prefix", token.prefix, stdout=io.StringIO())
    assert token_authenticate(raw) is None


def test_the_console_script_runs_management_commands(tmp_path: Path) -> None:
    inyeon = Path(sys.executable).parent / "inyeon"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INYEON_", "DATABASE_URL"))}
    env["INYEON_VAR_DIR"] = str(tmp_path)
    subprocess.run([str(inyeon), "migrate", "-v0"], env=env, check=True, timeout=300)
    (tmp_path / "pw").write_text("another long passphrase 7\n")
    created = subprocess.run(
        [
            str(inyeon),
            "user",
            "create",
            "--username",
            "lee",
            "--password-file",
            str(tmp_path / "pw"),
            "--role",
            "manager",
            "--team",
            "Seoul",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    token = subprocess.run(
        [str(inyeon), "token", "create", "--user", "lee"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert token.stdout.strip().startswith("iny_")
    bad = subprocess.run(
        [str(inyeon), "token", "create", "--user", "nobody"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0
    assert "--user" in bad.stderr
