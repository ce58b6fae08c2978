"""`inyeon token create --user U` prints a new API token once; `token revoke --prefix P` revokes it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inyeon.core.models import ApiToken, User
from inyeon.core.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("--prefix", required=True)
        listing = sub.add_parser("list", help="List a user's tokens (prefixes only).")
        listing.add_argument("--user", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"--prefix: no token starts with {options['prefix']!r}")
            token_revoke(token=token)
            self.stdout.write(f"Revoked {token.prefix}…")
            return
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user called {options['user']!r}")
        if action == "list":
            for t in user.api_tokens.order_by("created_at"):
                state = "revoked" if t.revoked_at else "active"
                self.stdout.write(f"{t.prefix}…  {t.name or '-'}  {t.created_at:%Y-%m-%d}  {state}")
            return
        _, raw = token_create(user=user, name=options["name"])
        self.stdout.write(raw)
