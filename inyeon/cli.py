"""The `inyeon` console script: Django's management commands with Inyeon's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "inyeon"
    execute_from_command_line(args)
    return 0
