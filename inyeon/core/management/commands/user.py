"""`inyeon user create --username U --password-file F --role ROLE [--team T]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inyeon.core.errors import error_dict
from inyeon.core.roles import Role
from inyeon.core.services import team_ensure, user_create


class Command(BaseCommand):
    help = "Manage users."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a user.")
        create.add_argument("--username", required=True)
        create.add_argument("--password-file", required=True, help="A file whose first line is the password.")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--team", help="Team name; created if it does not exist.")
        create.add_argument("--parent-team", help="Parent of a newly created team (e.g. a region).")
        create.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["password_file"])
        try:
            password = path.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError):
            raise CommandError(f"--password-file: cannot read a password from {path}") from None
        try:
            team = None
            if options.get("team"):
                parent = team_ensure(name=options["parent_team"]) if options.get("parent_team") else None
                team = team_ensure(name=options["team"], parent=parent)
            user = user_create(
                username=options["username"],
                password=password,
                role=options["role"],
                team=team,
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in error_dict(exc).items())
            ) from None
        self.stdout.write(f"Created user {user.username} ({user.role}) id={user.pk}")
