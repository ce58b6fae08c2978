"""`inyeon export contacts|accounts|orders --format csv|xlsx --output FILE --user NAME [filters]`.

The export is the list as that user sees it (visibility and masking), written to the access log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from inyeon.core.errors import error_dict
from inyeon.core.models import User
from inyeon.dataio.exports import selectors, services

# option -> (filter name, kinds it applies to); --owner takes a username.
FILTER_OPTIONS = {
    "q": ("q", ("contacts", "accounts")),
    "owner": ("owner_id", ("contacts", "accounts")),
    "stage": ("lifecycle_stage", ("contacts",)),
    "segment": ("segment", ("contacts",)),
    "tier": ("value_tier", ("contacts",)),
    "tag": ("tag", ("contacts",)),
    "team": ("team_id", ("contacts",)),
    "created_after": ("created_after", ("contacts",)),
    "created_before": ("created_before", ("contacts",)),
    "r_score": ("r_score", ("contacts",)),
    "f_score": ("f_score", ("contacts",)),
    "m_score": ("m_score", ("contacts",)),
    "p_alive_min": ("p_alive_min", ("contacts",)),
    "p_alive_max": ("p_alive_max", ("contacts",)),
    "contact": ("contact_id", ("orders",)),
    "account": ("account_id", ("contacts", "orders")),
}


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int, stream: OutputWrapper) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def __call__(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        filled = 30 * self.done // max(self.total, 1)
        self.stream.write(
            f"\r  [{'#' * filled}{'.' * (30 - filled)}] {self.done:,}/{self.total:,}", ending=""
        )
        self.stream.flush()


class Command(BaseCommand):
    help = "Export the contact, account or order list as CSV (UTF-8 with BOM) or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["contacts", "accounts", "orders"])
        parser.add_argument("--format", dest="file_format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", required=True, help="File to write (replaced if it exists).")
        parser.add_argument("--user", required=True, help="Export as this user sees the list.")
        for option in FILTER_OPTIONS:
            parser.add_argument(f"--{option.replace('_', '-')}", dest=option, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user {options['user']!r}")
        filters: dict[str, Any] = {}
        for option, (name, kinds) in FILTER_OPTIONS.items():
            value = options.get(option)
            if value is None:
                continue
            if kind not in kinds:
                raise CommandError(f"--{option.replace('_', '-')} does not filter {kind}")
            if option == "owner":
                owner = User.objects.filter(username=value).first()
                if owner is None:
                    raise CommandError(f"--owner: no user {value!r}")
                value = owner.pk
            filters[name] = value
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"--output: the folder {output.parent} does not exist")
        try:
            clean = services.validate(kind, options["file_format"], filters)
            total = selectors.export_count(kind, user=user, filters=clean)
            progress = Progress(total, self.stderr)
            services.export_write(
                output,
                user=user,
                kind=kind,
                file_format=options["file_format"],
                filters=clean,
                on_rows=progress,
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(m)}" for field, m in error_dict(exc).items())
            raise CommandError(problems) from None
        except OSError as exc:
            raise CommandError(f"--output: cannot write {output}: {exc.strerror}") from None
        self.stderr.write("")
        self.stdout.write(f"{total:,} {kind} written to {output}")
