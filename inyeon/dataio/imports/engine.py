"""The import pipeline for one job: read the file, map its columns, clean every row (in two worker
processes for large files), match rows to existing records and to earlier rows of the same file,
then write everything in one transaction.

Pass one (cleaning and matching) writes nothing and keeps only the planned writes, spilled to a
temporary file so that memory stays flat; pass two writes them. A strict import with any bad row,
and every dry run, stops after pass one, so nothing is half written: pass two is a single
transaction.
"""

from __future__ import annotations

import csv
import logging
import multiprocessing
import operator
import os
import pickle
import queue
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from inyeon.core.collector import cyclic_gc_paused
from inyeon.core.models import User
from inyeon.dataio.cells import neutralise, unneutralise
from inyeon.dataio.imports import bulk, columns
from inyeon.dataio.imports.chunks import RawChunk, parse_chunk, raw_chunks
from inyeon.dataio.imports.clean import CLEANERS, Options, Problem, Row, RowInvalid
from inyeon.dataio.imports.columns import FastRows
from inyeon.dataio.imports.fields import FIELDS_BY_NAME, missing_required
from inyeon.dataio.imports.fingerprint import fingerprint
from inyeon.dataio.imports.handlers import (
    CONTACT_TAIL,
    HANDLERS,
    PREPARE,
    Handler,
    Planned,
    contact_default_cells,
)
from inyeon.dataio.imports.readers import FileProblem, Table, open_table

CHUNK = 5000
PARALLEL_FROM = 20_000  # rows; below this, worker processes cost more than they save
log = logging.getLogger(__name__)

ANALYZE_FROM = 10_000  # new records; from this many, the filled tables' statistics are refreshed
KEEP_ERRORS = 200  # errors kept on the job for the result page; all of them go to the error file


class ImportProblem(Exception):
    """The import cannot start (bad mapping, unreadable file): nothing was read or written."""


@dataclass
class Spec:
    """What a mapping file holds: the column mapping and how to read the file."""

    columns: dict[str, str]
    delimiter: str = "auto"
    header: bool = True
    names: list[str] = field(default_factory=list)
    options: Options = field(default_factory=Options)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spec:
        known = {
            "columns",
            "delimiter",
            "header",
            "names",
            "date_format",
            "currency",
            "create_missing_customers",
            "customer_name",
            "defaults",
            "name",
            "kind",
            "description",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ImportProblem(_("Unknown keys in the mapping: %(keys)s.") % {"keys": ", ".join(unknown)})
        columns = data.get("columns", {})
        if not isinstance(columns, dict):
            raise ImportProblem(_("The mapping's “columns” must map column headers to fields."))
        return cls(
            columns={str(k): str(v) for k, v in columns.items() if v},
            delimiter=str(data.get("delimiter", "auto")),
            header=bool(data.get("header", True)),
            names=[str(x) for x in data.get("names", [])],
            options=Options(
                date_format=str(data.get("date_format", "")),
                currency=str(data.get("currency", "KRW")).upper(),
                create_missing_customers=bool(data.get("create_missing_customers", False)),
                customer_name=str(data.get("customer_name", "{key}")),
                defaults={str(k): str(v) for k, v in (data.get("defaults") or {}).items()},
            ),
        )


@dataclass
class Outcome:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    errors: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    error_file: str = ""
    written: bool = False
    created_contacts: list[int] = field(default_factory=list)


Progress = Callable[[int, int, str], None]


def open_file(path: Path, spec: Spec) -> Table:
    try:
        return open_table(path, delimiter=spec.delimiter, header=spec.header, names=spec.names or None)
    except FileProblem as exc:
        raise ImportProblem(str(exc)) from None


def plan_columns(kind: str, headers: list[str], columns: dict[str, str]) -> list[tuple[int, str, str]]:
    """[(column index, header, field)]; a mapping naming an absent header or unknown field fails."""
    fields = FIELDS_BY_NAME[kind]
    for header, name in columns.items():
        if name not in fields:
            raise ImportProblem(
                _("Column “%(header)s” is mapped to “%(field)s”, which is not a field of %(kind)s.")
                % {"header": header, "field": name, "kind": kind}
            )
        if header not in headers:
            raise ImportProblem(
                _("The mapping names column “%(header)s”, which the file does not have.") % {"header": header}
            )
    missing = missing_required(kind, columns)
    if missing:
        names = " / ".join(str(fields[f].label) for f in missing[0])
        raise ImportProblem(_("Map a column to one of: %(fields)s.") % {"fields": names})
    return [(i, h, columns[h]) for i, h in enumerate(headers) if h in columns]


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


# Worker processes get the plan once, then chunks of raw rows.
_worker: dict[str, Any] = {}


def _init_worker(
    kind: str,
    plan: list[tuple[int, str, str]],
    options: Options,
    language: str,
    prepare: bool,
    reading: tuple[str, str],
    by_columns: bool,
) -> None:
    from django.utils import translation

    translation.activate(language)
    os.environ["POLARS_MAX_THREADS"] = "1"  # one worker process per core; read when Polars starts its threads
    _worker.update(
        kind=kind, plan=plan, options=options, prepare=prepare, reading=reading, by_columns=by_columns
    )


def clean_rows(
    kind: str,
    plan: list[tuple[int, str, str]],
    options: Options,
    rows: list[tuple[int, list[str]]],
    prepare: bool = False,
) -> list[tuple[int, list[str], dict[str, Any] | list[Problem]]]:
    """Each row cleaned, or its problems; with `prepare`, the handler's ready-made write text of
    the row is added too (see `handlers.PREPARE`)."""
    cleaner = CLEANERS[kind]
    prepared = PREPARE.get(kind) if prepare else None
    out: list[tuple[int, list[str], dict[str, Any] | list[Problem]]] = []
    for line, cells in rows:
        mapped: dict[str, list[tuple[str, str]]] = {}
        for index, header, name in plan:
            mapped.setdefault(name, []).append(
                (header, unneutralise(cells[index] if index < len(cells) else ""))
            )
        try:
            data = cleaner(Row(mapped, options))
            data["_fp"] = fingerprint(data)
            if prepared is not None:
                prepared(data)
            out.append((line, cells, data))
        except RowInvalid as exc:
            out.append((line, cells, exc.problems))
    return out


Results = list[tuple[int, list[str] | None, Any]]


def _clean_raw_in_worker(chunk: RawChunk) -> tuple[FastRows | None, Results]:
    """A chunk of the file parsed and cleaned where it is read: only a bad row's cells go back.
    Contact rows in the common shapes are cleaned by whole columns (`imports.columns`)."""
    encoding, delimiter = _worker["reading"]
    rows = parse_chunk(chunk, encoding=encoding, delimiter=delimiter)
    kind, plan, options, prepare = (_worker[k] for k in ("kind", "plan", "options", "prepare"))
    fast = None
    if rows and _worker["by_columns"] and columns.can_clean(kind, plan, options):
        fast, rows = columns.clean(plan, options, rows, prepare, contact_default_cells(), CONTACT_TAIL)
    cleaned = clean_rows(kind, plan, options, rows, prepare)
    return fast, [(line, cells if isinstance(r, list) else None, r) for line, cells, r in cleaned]


def _merged(fast: FastRows | None, results: Sequence[tuple[int, list[str] | None, Any]]) -> Results:
    """Both kinds of a worker's results, in the file's order."""
    if fast is None:
        return list(results)
    return sorted([*fast.results(), *results], key=operator.itemgetter(0))


Cells = Callable[[int], list[str]]  # a line's cells, for rows whose cells did not come along


class _ChunkCells:
    """A raw chunk's cells by line, parsed again in this process only when one of its rows that
    cleaned well turns out to be a problem when planned (the error file shows the row)."""

    def __init__(self, chunk: RawChunk, reading: tuple[str, str]) -> None:
        self.chunk, self.reading = chunk, reading
        self.by_line: dict[int, list[str]] | None = None

    def __call__(self, line: int) -> list[str]:
        if self.by_line is None:
            encoding, delimiter = self.reading
            self.by_line = dict(parse_chunk(self.chunk, encoding=encoding, delimiter=delimiter))
        return self.by_line.get(line, [])


def _no_cells(line: int) -> list[str]:
    return []


def _bounded(
    pool: Any, chunks: Iterator[RawChunk], reading: tuple[str, str], depth: int = 6
) -> Iterator[Any]:
    """Cleaned chunks in file order with at most `depth` in flight: `Pool.imap` would read the
    whole file ahead and hold every cleaned row in memory while the planning catches up."""
    pending: deque[tuple[RawChunk, Any]] = deque()
    for chunk in chunks:
        pending.append((chunk, pool.apply_async(_clean_raw_in_worker, (chunk,))))
        if len(pending) >= depth:
            chunk, cleaning = pending.popleft()
            yield _merged(*cleaning.get()), _ChunkCells(chunk, reading)
    while pending:
        chunk, cleaning = pending.popleft()
        yield _merged(*cleaning.get()), _ChunkCells(chunk, reading)


def _chunks(rows: Iterator[tuple[int, list[str]]]) -> Iterator[list[tuple[int, list[str]]]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


class ErrorFile:
    """The bad rows as CSV (UTF-8 with BOM): the original cells, then line, column, value, rule;
    every cell neutralised so a spreadsheet runs nothing."""

    def __init__(self, path: Path, headers: list[str]) -> None:
        self.path = path
        self.headers = headers
        self.file: Any = None
        self.writer: Any = None

    def add(self, line: int, cells: list[str], problems: list[Problem]) -> None:
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = self.path.open("w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.file)
            self.writer.writerow(
                [neutralise(h) for h in [*self.headers, _("line"), _("column"), _("value"), _("rule")]]
            )
        for p in problems:
            self.writer.writerow([neutralise(c) for c in [*cells, line, p.column, p.value, p.rule]])

    def close(self) -> str:
        if self.file is None:
            return ""
        self.file.close()
        return str(self.path)


def _settle(handler: Handler, outcome: Outcome, strict: bool) -> bool:
    """End the import's transaction (called inside it): whether it keeps what was written."""
    if strict and outcome.errors:
        transaction.set_rollback(True)
        return False
    if outcome.created or outcome.updated:
        handler.finish()
        return True
    return False


def _refresh_statistics(handler: Handler) -> None:
    """Only an aid to the planner, after the import is committed: a failure here is logged, not
    reported as a failed import."""
    try:
        bulk.analyze(handler.filled)
    except DatabaseError:
        log.warning("could not refresh the statistics of %s after an import", handler.filled, exc_info=True)


class _Writer(threading.Thread):
    """The import's transaction on a connection of its own, fed the planned writes chunk by chunk.

    The matching reads of the next chunk then run on the caller's connection, in a second backend,
    while this one copies: they see what was committed before the import, exactly as when every
    row was checked before the first write (rows repeating earlier rows of the file are matched by
    the handler, not by the database)."""

    def __init__(self, handler: Handler, outcome: Outcome, strict: bool) -> None:
        super().__init__(name="import-writer", daemon=True)
        self.handler, self.outcome, self.strict = handler, outcome, strict
        self.batches: queue.Queue[list[Planned] | None] = queue.Queue(maxsize=4)
        self.keep = False
        self.written = False
        self.error: BaseException | None = None

    def run(self) -> None:
        ended = False  # whether the caller's end (None) has been taken from the queue
        try:
            with transaction.atomic():
                while (batch := self.batches.get()) is not None:
                    self.handler.write(batch)
                ended = True
                if self.keep:
                    self.written = _settle(self.handler, self.outcome, self.strict)
                else:
                    transaction.set_rollback(True)
            if self.written and self.outcome.created >= ANALYZE_FROM:
                _refresh_statistics(self.handler)
        except BaseException as exc:  # raised in the calling thread
            self.error = exc
            while not ended and self.batches.get() is not None:  # the caller never waits on a full queue
                pass
        finally:
            connection.close()

    def put(self, batch: list[Planned]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def stop(self, *, keep: bool) -> bool:
        """Commit (`keep`) or roll back, and wait; whether the writes were kept."""
        self.keep = keep
        self.batches.put(None)
        self.join()
        if self.error is not None and keep:
            raise self.error
        return self.written


def _write_alongside(
    handler: Handler, batches: Iterator[list[Planned]], outcome: Outcome, strict: bool
) -> bool:
    writer = _Writer(handler, outcome, strict)
    writer.start()
    try:
        for batch in batches:
            if not (strict and outcome.errors):
                writer.put(batch)
    except BaseException:
        writer.stop(keep=False)
        raise
    return writer.stop(keep=True)


@cyclic_gc_paused()  # the pipeline makes a few objects per row: see core.collector
def run_import(
    *,
    kind: str,
    path: Path,
    spec: Spec,
    actor: User,
    strict: bool,
    dry_run: bool,
    language: str,
    error_path: Path,
    job_id: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    table = open_file(path, spec)
    plan = plan_columns(kind, table.headers, spec.columns)
    total = max(count_lines(path) - (1 if spec.header else 0), 0) if table.file_format == "csv" else 0
    handler: Handler = HANDLERS[kind](actor=actor, options=spec.options, job_id=job_id)
    outcome = Outcome()
    errors = ErrorFile(error_path, table.headers)
    report = progress or (lambda done, total, step: None)

    def record(line: int, cells: list[str], problems: list[Problem]) -> None:
        outcome.errors += 1
        errors.add(line, cells, problems)
        for p in problems:
            if len(outcome.problems) < KEEP_ERRORS:
                outcome.problems.append({"line": line, "column": p.column, "value": p.value, "rule": p.rule})

    pipelined = connection.vendor == "postgresql" and not dry_run
    pool = None
    if table.file_format == "csv" and total >= PARALLEL_FROM and settings.INYEON_IMPORT_WORKERS > 1:
        reading = (table.encoding, table.delimiter)
        pool = multiprocessing.get_context("fork").Pool(
            settings.INYEON_IMPORT_WORKERS,
            _init_worker,
            # Polars run here before the fork would hang the workers (see imports.columns).
            (kind, plan, spec.options, language, pipelined, reading, not columns.started_here()),
        )
        # The workers parse the file too: this process only cuts it into chunks of records.
        chunks = raw_chunks(path, delimiter=table.delimiter, header=spec.header, rows=CHUNK)
        cleaned: Iterator[Any] = _bounded(pool, chunks, reading)
    else:
        cleaned = (
            (clean_rows(kind, plan, spec.options, chunk, pipelined), _no_cells)
            for chunk in _chunks(table.rows)
        )
    spill = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)

    # With the writes on a connection of their own, the matching reads of the next chunk run on a
    # third one while this thread plans the current chunk (they depend on the database only).
    ahead = pipelined and not connection.in_atomic_block and handler.looks_ahead
    lookups = ThreadPoolExecutor(1, thread_name_prefix="import-lookups") if ahead else None

    def plan_chunk(results: list[Any], cells_of: Cells, found: Any) -> Iterator[list[Planned]]:
        good: list[tuple[int, list[str], dict[str, Any]]] = []
        for line, cells, result in results:
            outcome.total += 1
            if isinstance(result, list):
                record(line, cells, result)
            else:
                handler.fingerprints[line] = result.pop("_fp")
                good.append((line, cells, result))
        planned: list[Planned] = []
        for line, cells, verdict in handler.plan(good, found.result() if found is not None else None):
            if isinstance(verdict, list):
                record(line, cells if cells is not None else cells_of(line), verdict)
            elif verdict == "unchanged":
                outcome.unchanged += 1
            elif isinstance(verdict, Planned):
                planned.append(verdict)
                if verdict.op == "create":
                    outcome.created += 1
                else:
                    outcome.updated += 1
            else:
                outcome.duplicates += 1
        handler.fingerprints.clear()
        report(outcome.total, max(total, outcome.total), "checking")
        if planned:
            yield planned

    def checked() -> Generator[list[Planned], None, None]:
        """The planned writes of each chunk, as soon as it is checked."""
        try:
            pending: tuple[list[Any], Cells, Any] | None = None
            for results, cells_of in cleaned:
                found = None
                if lookups is not None:
                    rows = [(line, cells, r) for line, cells, r in results if not isinstance(r, list)]
                    found = lookups.submit(handler.lookup, rows)
                if pending is not None:
                    yield from plan_chunk(*pending)
                pending = (results, cells_of, found)
            if pending is not None:
                yield from plan_chunk(*pending)
        except FileProblem as exc:
            raise ImportProblem(str(exc)) from None
        finally:
            if pool is not None:
                pool.terminate()
            if lookups is not None:
                lookups.submit(lambda: connection.close()).result()  # the lookup thread's own
                lookups.shutdown()

    batches = checked()
    try:
        if pipelined:
            # PostgreSQL: each chunk is written as soon as it is checked, all in one transaction,
            # while the workers clean the next ones; a strict import stops writing at its first
            # bad row and rolls back what it wrote.
            if connection.in_atomic_block:
                # Inside the caller's transaction there is one connection for everything.
                with transaction.atomic():
                    for batch in batches:
                        if not (strict and outcome.errors):
                            handler.write(batch)
                    outcome.written = _settle(handler, outcome, strict)
            else:
                outcome.written = _write_alongside(handler, batches, outcome, strict)
            outcome.error_file = errors.close()
            outcome.problems.sort(key=lambda p: p["line"])
            outcome.created_contacts = handler.created_contacts if outcome.written else []
            return outcome
        # Elsewhere (SQLite holds one writer lock for the whole transaction), and for dry runs:
        # check everything first, keeping the planned writes in a temporary file, then write.
        for batch in batches:
            pickle.dump(batch, spill)
        outcome.error_file = errors.close()
        outcome.problems.sort(key=lambda p: p["line"])
        if dry_run or (strict and outcome.errors) or not (outcome.created or outcome.updated):
            return outcome
        spill.seek(0)
        written = 0
        with transaction.atomic():
            while True:
                try:
                    loaded: list[Planned] = pickle.load(spill)  # noqa: S301 (our own temporary file)
                except EOFError:
                    break
                handler.write(loaded)
                written += len(loaded)
                report(written, outcome.created + outcome.updated, "writing")
            handler.finish()
        outcome.written = True
        outcome.created_contacts = handler.created_contacts
        return outcome
    finally:
        batches.close()
        spill.close()
        errors.close()
