"""Settings come from the environment and fail at start, naming the variable, when one is bad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "x7#Qp2!vL9zR4mT8wK1nB6cF3hJ5sD0gY2aE7uI9oP4lZ8qW3eR6tY1uI5oP9aS2dF7"


def run(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INYEON_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "inyeon.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


SETUP = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['NAME'])"
)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"INYEON_ENV": "bogus"}, "INYEON_ENV"),
        ({"INYEON_DEBUG": "maybe"}, "INYEON_DEBUG"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"INYEON_ENV": "production", "INYEON_ALLOWED_HOSTS": "crm.example.com"}, "INYEON_SECRET_KEY"),
        ({"INYEON_ENV": "production", "INYEON_SECRET_KEY": GOOD_SECRET}, "INYEON_ALLOWED_HOSTS"),
        ({"INYEON_LOGIN_FAILURE_LIMIT": "many"}, "INYEON_LOGIN_FAILURE_LIMIT"),
        (
            {"DATABASE_URL": "postgres://db.example.com/crm", "INYEON_DB_PREPARED_STATEMENTS": "often"},
            "INYEON_DB_PREPARED_STATEMENTS",
        ),
    ],
)
def test_a_bad_setting_fails_at_start_naming_the_variable(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    result = run(SETUP, {"INYEON_VAR_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_no_variable_means_sqlite_in_wal_mode_under_var(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "print(connection.settings_dict['NAME'])"
    )
    result = run(code, {"INYEON_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.split()
    assert mode == "wal"
    assert name == str(tmp_path / "inyeon.sqlite3")


def test_database_url_chooses_the_database(tmp_path: Path) -> None:
    target = tmp_path / "other.db"
    result = run(SETUP, {"INYEON_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{target}"})
    assert result.stdout.strip() == str(target)
    result = run(SETUP, {"DATABASE_URL": "postgres://someone@db.example.com:5432/crm"})
    assert result.stdout.strip() == "crm"


def test_postgresql_keeps_statements_prepared_unless_told_not_to() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    url = {"DATABASE_URL": "postgres://someone@db.example.com:5432/crm"}
    assert run(code, url).stdout.strip() == "5"
    assert run(code, {**url, "INYEON_DB_PREPARED_STATEMENTS": "false"}).stdout.strip() == "None"


def test_the_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    env = {
        "INYEON_VAR_DIR": str(tmp_path),
        "INYEON_ENV": "production",
        "INYEON_SECRET_KEY": GOOD_SECRET,
        "INYEON_ALLOWED_HOSTS": "crm.example.com",
    }
    result = run("", env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
