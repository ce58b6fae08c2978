"""Writes of the duplicates context: the match rules, scans, flagging new contacts, dismissing.

Merge and undo live in `merge.py` and are re-exported here, so callers import every write from one
module.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, diff
from inyeon.core.collector import cyclic_gc_paused
from inyeon.core.models import User
from inyeon.core.visibility import can_merge, is_admin
from inyeon.dataio.duplicates.blocking import Pair, find_candidates
from inyeon.dataio.duplicates.loading import load_people, neighbour_ids
from inyeon.dataio.duplicates.matching import Match, Rules
from inyeon.dataio.duplicates.merge import contacts_merge, merge_undo
from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, DuplicateScan, JobStatus, MatchRules

__all__ = [
    "candidate_dismiss",
    "contacts_merge",
    "duplicate_scan_execute",
    "duplicate_scan_request",
    "duplicates_flag",
    "match_rules",
    "match_rules_update",
    "merge_undo",
]

log = logging.getLogger(__name__)

RULE_FIELDS = ("exact_email", "exact_phone", "exact_external_id", "fuzzy_enabled", "fuzzy_threshold")
BATCH = 5000


def match_rules() -> MatchRules:
    row, _created = MatchRules.objects.get_or_create(pk=1)
    return row


def rules_of(row: MatchRules) -> Rules:
    return Rules(**{name: getattr(row, name) for name in RULE_FIELDS})


def match_rules_update(*, actor: User, data: Mapping[str, Any], ip: str | None = None) -> MatchRules:
    """Change the rules present in `data` (admins only); every bad field is named."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only an administrator may change the duplicate rules."))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in RULE_FIELDS:
            errors[name] = [_("Unknown rule.")]
        elif name == "fuzzy_threshold":
            if isinstance(value, bool) or not isinstance(value, int) or not 50 <= value <= 100:
                errors[name] = [_("Enter a whole number from 50 to 100.")]
            else:
                values[name] = value
        elif not isinstance(value, bool):
            errors[name] = [_("Enter true or false.")]
        else:
            values[name] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = match_rules()
        row = MatchRules.objects.select_for_update().get(pk=row.pk)
        before = {name: getattr(row, name) for name in RULE_FIELDS}
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        changes = diff(before, {name: getattr(row, name) for name in RULE_FIELDS})
        audit(actor=actor, action="update", entity="match_rules", entity_id=row.pk, changes=changes, ip=ip)
    return row


def _store(found: Mapping[Pair, Match]) -> int:
    """Write new candidate pairs; a pair already known (open, dismissed or merged) is left as it is.
    Returns how many were new."""
    if not found:
        return 0
    if connection.vendor == "postgresql":
        return _store_copy(found)
    rows = [
        DuplicateCandidate(first_id=a, second_id=b, score=m.score, reasons=list(m.reasons))
        for (a, b), m in found.items()
    ]
    before = DuplicateCandidate.objects.count()
    DuplicateCandidate.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return DuplicateCandidate.objects.count() - before


def _store_copy(found: Mapping[Pair, Match]) -> int:
    """PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING
    (a quarter of a million pairs in seconds instead of a minute through bulk_create)."""
    reasons = {m.reasons: json.dumps(list(m.reasons)) for m in found.values()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dup_new")  # the caller's transaction may hold an earlier one
        cursor.execute(
            "CREATE TEMPORARY TABLE dup_new "
            "(first_id bigint, second_id bigint, score smallint, reasons jsonb) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY dup_new FROM STDIN") as copy:
            for (a, b), m in found.items():
                copy.write_row((a, b, m.score, reasons[m.reasons]))
        cursor.execute(
            "INSERT INTO dataio_duplicatecandidate (first_id, second_id, score, reasons, status, found_at) "
            "SELECT first_id, second_id, score, reasons, %s, now() FROM dup_new "
            "ON CONFLICT (first_id, second_id) DO NOTHING",
            [CandidateStatus.OPEN],
        )
        added = int(cursor.rowcount)
        cursor.execute("DROP TABLE dup_new")
        return added


FLAG_CHUNK = 2000  # new contacts looked up together (keeps every IN list within SQLite's limits)
FLAG_FULL_READ = 20_000  # from this many new contacts on, reading the whole base once is cheaper


def duplicates_flag(*, contact_ids: list[int]) -> int:
    """Find and store candidates for these contacts against the whole base; returns how many pairs
    were found (new or already known). Called after a create and after an import."""
    ids = sorted(set(contact_ids))
    if not ids:
        return 0
    rules = rules_of(match_rules())
    if len(ids) >= FLAG_FULL_READ:
        with cyclic_gc_paused():
            found = find_candidates(load_people(), rules, focus=set(ids))
        _store(found)
        return len(found)
    pairs: set[Pair] = set()
    for start in range(0, len(ids), FLAG_CHUNK):
        chunk = set(ids[start : start + FLAG_CHUNK])
        new = load_people(chunk)
        pool_ids = neighbour_ids(new) - chunk
        found = find_candidates(new + load_people(pool_ids) if pool_ids else new, rules, focus=chunk)
        _store(found)
        pairs.update(found)
    return len(pairs)


def candidate_dismiss(
    *, candidate: DuplicateCandidate, actor: User, ip: str | None = None
) -> DuplicateCandidate:
    """Mark a pair as not a duplicate: it stays out of the queue and later scans keep it so."""
    if not can_merge(actor):
        raise PermissionDenied(_("Your role may not review duplicates."))
    with transaction.atomic():
        locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.status != CandidateStatus.OPEN:
            raise ValidationError({"status": _("This pair has already been reviewed.")})
        locked.status, locked.resolved_by, locked.resolved_at = (
            CandidateStatus.DISMISSED,
            actor,
            timezone.now(),
        )
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit(
            actor=actor,
            action="update",
            entity="duplicate_candidate",
            entity_id=locked.pk,
            changes={"status": [CandidateStatus.OPEN, CandidateStatus.DISMISSED]},
            ip=ip,
        )
    return locked


def duplicate_scan_request(*, actor: User | None, ip: str | None = None) -> DuplicateScan:
    """Queue a scan of the whole base (returns at once; the task worker does the work)."""
    if actor is not None and not can_merge(actor):
        raise PermissionDenied(_("Your role may not scan for duplicates."))
    from inyeon.dataio.duplicates.tasks import duplicate_scan_task

    scan = DuplicateScan.objects.create(requested_by=actor, status=JobStatus.QUEUED)
    audit(actor=actor, action="create", entity="duplicate_scan", entity_id=scan.pk, ip=ip)
    transaction.on_commit(lambda: duplicate_scan_task.enqueue(scan.pk))
    return scan


def duplicate_scan_execute(scan: DuplicateScan) -> DuplicateScan:
    """Search the whole base for candidate pairs, saving progress on the scan row as it goes.

    Open pairs that the current rules no longer find are removed; dismissed ones are kept.
    """

    clock: dict[str, Any] = {"at": time.perf_counter(), "step": ""}

    def progress(value: float, step: str, **extra: Any) -> None:
        DuplicateScan.objects.filter(pk=scan.pk).update(progress=round(value, 3), step=step, **extra)
        if step != clock["step"]:  # the time each step took, for the benchmark and the worker's log
            now = time.perf_counter()
            log.info(
                "duplicate scan %s: %s took %.1f s", scan.pk, clock["step"] or "start", now - clock["at"]
            )
            clock.update(at=now, step=step)

    progress(0.0, "reading", status=JobStatus.RUNNING)
    try:
        rules = rules_of(match_rules())
        with cyclic_gc_paused():
            people = load_people()
            progress(0.05, "reading", contacts_checked=len(people))
            found = find_candidates(people, rules, on_progress=lambda v, s: progress(0.05 + 0.8 * v, s))
            del people
        progress(0.9, "writing")
        with transaction.atomic():
            _store(found)
            stale = [
                pk
                for pk, a, b in DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN).values_list(
                    "pk", "first_id", "second_id"
                )
                if (a, b) not in found
            ]
            for start in range(0, len(stale), BATCH):
                DuplicateCandidate.objects.filter(pk__in=stale[start : start + BATCH]).delete()
        progress(1.0, "done")
        DuplicateScan.objects.filter(pk=scan.pk).update(
            status=JobStatus.DONE,
            progress=1.0,
            step="done",
            candidates_found=len(found),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        log.exception("duplicate scan %s failed", scan.pk)
        DuplicateScan.objects.filter(pk=scan.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    scan.refresh_from_db()
    return scan


def flag_safely(contact_ids: Collection[int]) -> int:
    """`duplicates_flag` for a create path: a failure to look for duplicates never fails the create."""
    try:
        with transaction.atomic():  # a savepoint, so a failed query leaves the caller's transaction usable
            return duplicates_flag(contact_ids=list(contact_ids))
    except Exception:
        log.exception("flagging duplicates of %s failed", list(contact_ids)[:10])
        return 0
