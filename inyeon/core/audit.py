"""Writing the audit log (every write) and the access log (every view or export of personal data).

Only these two functions create log rows; nothing in the application changes or deletes them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone

from inyeon.core.models import AccessLog, AuditLog, User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip = request.META.get("REMOTE_ADDR")
    return ip or None


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, as JSON-safe plain values (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _plain(getattr(instance, attname))
    return out


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]}


def created_changes(instance: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """The audit `changes` of a new record: every field that holds a value, as [None, value]."""
    return {k: [None, v] for k, v in snapshot(instance, fields).items() if v not in ("", None, [])}


def save_with_audit(
    instance: Any,
    before: Mapping[str, Any],
    fields: Iterable[str],
    *,
    actor: User | None,
    entity: str,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> AuditLog:
    """Save a locked, versioned record (its version bumped, `updated_at` set) and audit what
    changed since `before` (a `snapshot` taken when it was locked)."""
    instance.version += 1
    instance.updated_at = now or timezone.now()
    instance.save()
    return audit(
        actor=actor,
        action="update",
        entity=entity,
        entity_id=instance.pk,
        ip=ip,
        changes=diff(before, snapshot(instance, fields)),
    )


def audit(
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: object,
    changes: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None and actor.pk else "system",
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        changes=dict(changes or {}),
        ip=ip,
    )


_EMPTY = (None, "")


@dataclass(frozen=True)
class Access:
    """The access-log row that a read of personal data owes: who read, how, from where.

    `shown_when` names the fields of a read row that hold personal data: a row is one of the
    log's subjects if any of them holds a value, neither NULL nor empty text (`subjects`;
    `core.prepared` asks the same in SQL where it writes the row in the read's own statement).
    Empty: every row read is a subject. `first`: only the first rows read are shown (a keyset
    page reads one more, to know whether another page follows)."""

    actor: User | None
    action: str
    subject_type: str
    ip: str | None = None
    detail: str = ""
    shown_when: tuple[str, ...] = ()
    first: int | None = None

    def subjects(self, rows: Sequence[models.Model | Mapping[str, Any]]) -> list[int]:
        """The ids of the `rows` (instances or value dicts) whose personal data was shown."""
        fields = self.shown_when
        out = []
        for row in rows[: self.first]:
            if isinstance(row, Mapping):
                if not fields or any(row[name] not in _EMPTY for name in fields):
                    out.append(int(row["id"]))
            elif not fields or any(getattr(row, name) not in _EMPTY for name in fields):
                out.append(int(row.pk))
        return out

    def params(self, alias: str) -> list[Any]:
        """The values of `access_columns(alias)`, prepared for that database, but `subject_ids`
        (which `log_access` adds, and a logged read takes from its own rows)."""
        known = self.actor is not None and self.actor.pk
        values = {
            "at": timezone.now(),
            "actor": self.actor.pk if known and self.actor is not None else None,
            "actor_name": self.actor.get_username() if known and self.actor is not None else "system",
            "ip": self.ip,
            "action": self.action,
            "subject_type": self.subject_type,
            "detail": self.detail[:255],
        }
        db = connections[alias]
        return [
            values[name] if f is None else f.get_db_prep_save(values[name], db)
            for name, f in access_columns(alias)
            if name != "subject_ids"
        ]


@functools.cache
def access_columns(alias: str) -> list[tuple[str, Field[Any, Any] | None]]:
    """The access log's columns but its id, in order: each with the field that prepares its
    value for the database, or None where the value goes as it is (texts and ids)."""
    names = {"at", "actor", "actor_name", "ip", "action", "subject_type", "subject_ids", "detail"}
    plain = (models.CharField, models.ForeignKey)
    return [
        (f.name, None if isinstance(f, plain) else f)
        for f in AccessLog._meta.concrete_fields
        if f.name in names
    ]


def access_table(alias: str) -> tuple[str, str]:
    """The access log's quoted table name and its quoted column list (`access_columns` order)."""
    quote = connections[alias].ops.quote_name
    fields = (AccessLog._meta.get_field(name) for name, _f in access_columns(alias))
    columns = ", ".join(quote(str(f.column)) for f in fields)  # type: ignore[union-attr]
    return quote(AccessLog._meta.db_table), columns


@functools.cache
def _access_insert(alias: str) -> tuple[str, int]:
    """The INSERT of one access-log row, and where `subject_ids` goes among its values."""
    table, columns = access_table(alias)
    names = [name for name, _f in access_columns(alias)]
    holes = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({holes})"  # noqa: S608 (names from the model)
    return sql, names.index("subject_ids")


def log_access(
    *,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_ids: Iterable[int],
    ip: str | None = None,
    detail: str = "",
) -> None:
    """One access-log row. Written with one plain INSERT, not through a model instance: every API
    read of personal data passes here, and the ORM's insert costs more than the read itself."""
    ids = list(subject_ids)
    if not ids and action != AccessLog.Action.EXPORT:
        return
    access = Access(actor=actor, action=action, subject_type=subject_type, ip=ip, detail=detail)
    log_shown(access, ids)


def log_read(access: Access, rows: Sequence[models.Model | Mapping[str, Any]]) -> None:
    """Write `access`'s row for what these rows showed, if they showed any personal data."""
    ids = access.subjects(rows)
    if ids:
        log_shown(access, ids)


def log_shown(access: Access, ids: list[int]) -> None:
    """Write `access`'s row for these subjects (the caller has decided that there are any)."""
    alias = DEFAULT_DB_ALIAS
    db = connections[alias]  # looked up once: each use of `connection` looks it up again
    params = access.params(alias)
    sql, position = _access_insert(alias)
    params.insert(position, AccessLog._meta.get_field("subject_ids").get_db_prep_save(ids, db))
    with db.cursor() as cursor:
        cursor.execute(sql, params)
