"""`inyeon import contacts|accounts|orders|products FILE`: the import engine from the command line.

Runs in the foreground with a progress bar (or, with --enqueue, queues the job for the worker).
Exits non-zero when the import fails or, in strict mode, when any row is bad (nothing is written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inyeon.core.models import User
from inyeon.dataio.imports.services import import_execute, import_request, parse_mapping, store_upload
from inyeon.dataio.models import ImportMode, JobStatus, RecordKind


class Command(BaseCommand):
    help = "Import contacts, accounts, orders or products from a CSV or XLSX file."
    # The system checks load every URL module (~3.5 s) and check nothing an import uses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=RecordKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping", type=Path, help='JSON: {header: field} or {"columns": {...}, options}'
        )
        parser.add_argument(
            "--user", required=True, help="Whose import it is: their visibility and ownership apply."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--strict",
            action="store_const",
            const=ImportMode.STRICT,
            dest="mode",
            help="Write nothing if any row is bad (default).",
        )
        mode.add_argument(
            "--lenient",
            action="store_const",
            const=ImportMode.LENIENT,
            dest="mode",
            help="Write the good rows; the bad ones go to an error file.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the import for the worker and return."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user {options['user']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"FILE: {path} is not a readable file")
        mapping: dict[str, Any] = {}
        if options["mapping"]:
            try:
                mapping = parse_mapping(options["mapping"].read_bytes())
            except OSError as exc:
                raise CommandError(f"--mapping: cannot read {options['mapping']}: {exc.strerror}") from None
            except ValidationError as exc:
                raise CommandError(f"--mapping: {'; '.join(exc.messages)}") from None
        with path.open("rb") as source:
            stored = store_upload(source, path.name)
        try:
            job = import_request(
                kind=options["kind"],
                path=stored,
                original_name=path.name,
                actor=user,
                mode=options["mode"] or ImportMode.STRICT,
                mapping=mapping,
                dry_run=options["dry_run"],
                enqueue=options["enqueue"],
            )
        except ValidationError as exc:
            stored.unlink(missing_ok=True)
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(details) from None
        except PermissionDenied as exc:
            stored.unlink(missing_ok=True)
            raise CommandError(str(exc)) from None
        if options["enqueue"]:
            self.stdout.write(f"import #{job.pk} queued")
            return
        job = import_execute(job, progress=self._progress)
        sys.stderr.write("\n")
        self._report(job)

    def _progress(self, done: int, total: int, step: str) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{step:9} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        sys.stderr.flush()

    def _report(self, job: Any) -> None:
        verb = "would be " if job.dry_run else ""
        self.stdout.write(
            f"import #{job.pk}: {job.total_rows:,} rows; {verb}created {job.created_count:,}, "
            f"{verb}updated {job.updated_count:,}, unchanged {job.unchanged_count:,}, "
            f"repeated rows {job.duplicate_count:,}, bad rows {job.error_count:,}"
        )
        for problem in job.errors[:20]:
            self.stderr.write(
                f"line {problem['line']}, {problem['column']}: {problem['value']!r}: {problem['rule']}"
            )
        if job.error_file_path:
            self.stderr.write(f"all problems: {job.error_file_path}")
        if job.status == JobStatus.FAILED:
            raise CommandError(job.message or "the import failed")
