"""Matching and writing, per record type. `plan` reads the database (never writes) and decides
for each clean row: create, update (with the changes), unchanged, a repeat of an earlier row of
the file, or a problem; `write` carries out the planned writes inside the import's transaction."""

from __future__ import annotations

import functools
import hashlib
import itertools
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.models import AuditLog, User
from inyeon.core.visibility import assignable_users, can_see_pii
from inyeon.customers.channels import joined, joined_tags, refresh_channel_text
from inyeon.customers.models import (
    Account,
    Contact,
    ContactEmail,
    ContactPhone,
    Order,
    OrderLine,
    Product,
    StageChange,
    Tag,
)
from inyeon.customers.names import name_keys
from inyeon.customers.selectors import accounts_visible, contacts_visible, orders_visible
from inyeon.dataio.imports import bulk
from inyeon.dataio.imports.bulk import many
from inyeon.dataio.imports.clean import Options, Problem
from inyeon.dataio.imports.fingerprint import fingerprint
from inyeon.leads.models import Lead, LeadSource
from inyeon.leads.services import lead_create

BATCH = 2000
COPY_PIECE = 500  # lines sent to PostgreSQL at a time while a COPY's lines are built


@dataclass
class Planned:
    op: str  # "create" | "update"
    line: int
    data: dict[str, Any]
    pk: int = 0  # the record an update changes


Verdict = Planned | str | list[Problem]


def contacts_by_email(emails: set[str]) -> dict[str, int]:
    """Each e-mail's contact: the one with the lowest id that has it, as primary or additional."""
    found: dict[str, int] = {}
    for email, pk in itertools.chain(
        Contact.objects.filter(primary_email__in=many(emails)).values_list("primary_email", "pk"),
        ContactEmail.objects.filter(email__in=many(emails)).values_list("email", "contact_id"),
    ):
        found[email] = min(found.get(email, pk), pk)
    return found


def _chunked(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Handler:
    entity = ""

    def __init__(self, *, actor: User, options: Options, job_id: int | None) -> None:
        self.actor = actor
        self.options = options
        self.job_id = job_id
        self.seen: dict[str, tuple[int, str]] = {}  # match key -> (line, fingerprint)
        self._owners: dict[str, User | None] = {}
        self.audit_rows: list[AuditLog] = []
        self.fingerprints: dict[int, str] = {}  # line -> digest of the clean row
        self.created_contacts: list[int] = []  # for the duplicate check after the import

    # Rows of the same file that share a match key: an identical repeat is skipped, a different one
    # is refused (which of the two is right is the user's call, not ours).
    def repeat_of(self, line: int, keys: list[str], data: dict[str, Any]) -> Verdict | None:
        fp = self.fingerprints.pop(line, None) or fingerprint(data)
        for key in keys:
            if key in self.seen:
                first, first_fp = self.seen[key]
                if first_fp == fp:
                    return "duplicate"
                return [
                    Problem(
                        key.split(":", 1)[0],
                        key.split(":", 1)[1],
                        _("Repeats line %(line)d (same match key) with other values; keep one of them.")
                        % {"line": first},
                    )
                ]
        for key in keys:
            self.seen[key] = (line, fp)
        return None

    def owner(self, username: str) -> User | Problem:
        if username not in self._owners:
            self._owners[username] = assignable_users(self.actor).filter(username=username).first()
        user = self._owners[username]
        if user is None:
            return Problem(
                _("owner (user name)"), username, _("No user with this name that you may assign records to.")
            )
        return user

    # Whether `lookup` reads what `plan` needs from the database (and may run on another thread,
    # ahead of `plan`).
    looks_ahead = False

    def lookup(self, rows: list[tuple[int, list[str], dict[str, Any]]]) -> Any:
        return None

    def plan(
        self, rows: list[tuple[int, list[str], dict[str, Any]]], looked_up: Any = None
    ) -> Iterable[tuple[int, list[str], Verdict]]:
        raise NotImplementedError

    def write(self, batch: list[Planned]) -> None:
        raise NotImplementedError

    def audit(self, action: str, pk: Any, changes: dict[str, Any], *, entity: str = "") -> None:
        self.audit_rows.append(
            AuditLog(
                actor=self.actor,
                actor_name=self.actor.get_username(),
                action=action,
                entity=entity or self.entity,
                entity_id=str(pk),
                changes={**changes, "import": [None, self.job_id]},
            )
        )
        if len(self.audit_rows) >= BATCH:
            self.flush_audit()

    def flush_audit(self) -> None:
        AuditLog.objects.bulk_create(self.audit_rows, batch_size=BATCH)
        self.audit_rows = []

    def finish(self) -> None:
        self.flush_audit()

    # The tables a large import fills: their statistics are refreshed once it is committed.
    filled: tuple[type[Model], ...] = ()


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# PostgreSQL: the COPY text of a new contact (the columns that follow from the row alone) and of
# its e-mails and phones (all but the contact id) is built where the row is cleaned, in the worker
# processes, so that the parent, which also waits on the database, only prefixes the ids.
CONTACT_HEAD = ("id", "owner_id", "team_id", "account_id", "created_at", "updated_at")
CONTACT_TAIL = tuple(f.attname for f in Contact._meta.concrete_fields if f.attname not in CONTACT_HEAD)


@functools.cache
def contact_default_cells() -> dict[str, str]:
    """The COPY text of every tail column's default, built once."""
    return {k: bulk.cell(v) for k, v in bulk.defaults(Contact, set(CONTACT_HEAD)).items()}


_tail_cells = operator.itemgetter(*CONTACT_TAIL)


def contact_copy_text(data: dict[str, Any]) -> None:
    """Adds `_copy` (the contact's tail columns) and `_copy_emails` / `_copy_phones` (each
    additional e-mail's or phone's row after its contact id) to a clean contact row that names
    somebody."""
    if not data.get("display_name"):
        return
    cells = dict(contact_default_cells())
    cells.update((k, bulk.cell(data[k])) for k in ContactHandler.SCALARS if k in data)
    emails, phones = data.get("emails", []), data.get("phones", [])
    search_name, search_given, initials = name_keys(
        data["display_name"], data.get("family_name", ""), data.get("given_name", "")
    )
    texts = {
        "search_name": search_name,
        "search_given": search_given,
        "name_initials": initials,
        "primary_email": emails[0] if emails else "",
        "primary_phone": phones[0] if phones else "",
        "emails_text": joined(emails),
        "phones_text": joined(phones),
        "tags_text": joined_tags(data.get("tags", [])),
    }
    cells.update((k, bulk.cell(v)) for k, v in texts.items())
    data["_copy"] = "\t".join(_tail_cells(cells))
    data["_copy_emails"] = [f"\t{bulk.cell(e)}\t" for e in emails[1:]]
    data["_copy_phones"] = [f"\t{bulk.cell(p)}\t" for p in phones[1:]]


PREPARE = {"contacts": contact_copy_text}


class ContactHandler(Handler):
    """Matches by Inyeon id, then external id, or (for rows without an external id) any e-mail."""

    entity = "contact"
    filled = (Contact, ContactEmail, ContactPhone, Contact.tags.through)
    SCALARS = (
        "external_id",
        "family_name",
        "given_name",
        "display_name",
        "name_order",
        "birth_date",
        "preferred_channel",
        "language",
        "source",
        "job_title",
        "notes",
        "lifecycle_stage",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._accounts: dict[str, int] = {}
        self._tags: dict[str, int] = {}

    def _keys(self, data: dict[str, Any]) -> list[str]:
        """A row with an external id is that record and no other (two people may share an
        e-mail address); without one, any of its e-mails identifies it."""
        if data.get("external_id"):
            return [f"external id:{data['external_id']}"]
        return [f"e-mail:{e}" for e in data.get("emails", [])]

    looks_ahead = True

    def lookup(
        self, rows: list[tuple[int, list[str], dict[str, Any]]]
    ) -> tuple[dict[str, int], dict[int, dict[str, Any]]]:
        """The records the rows match (by key) and, of those the actor may see, the current values."""
        ids = {d["id"] for _line, _cells, d in rows if "id" in d}
        exts = {d["external_id"] for _line, _cells, d in rows if d.get("external_id")}
        emails = {e for _line, _cells, d in rows for e in d.get("emails", [])}
        found: dict[str, int] = {}
        for pk in Contact.objects.filter(pk__in=many(ids)).values_list("pk", flat=True):
            found[f"id:{pk}"] = pk
        for ext, pk in (
            Contact.objects.filter(external_id__in=many(exts)).order_by("pk").values_list("external_id", "pk")
        ):
            found.setdefault(f"external id:{ext}", pk)
        for email, pk in contacts_by_email(emails).items():
            found[f"e-mail:{email}"] = pk
        # Plain values, not model instances: planning a million rows must stay cheap.
        visible = contacts_visible(self.actor).filter(pk__in=many(set(found.values())))
        contacts: dict[int, dict[str, Any]] = {}
        for row in visible.values(
            "pk",
            *self.SCALARS,
            "owner_id",
            "owner__username",
            "account__name",
            "primary_email",
            "primary_phone",
        ):
            email, phone = row.pop("primary_email"), row.pop("primary_phone")
            contacts[row["pk"]] = {
                **row,
                "emails": [email] if email else [],
                "phones": [phone] if phone else [],
            }
            contacts[row["pk"]]["tags"] = []
        for pk, email in (
            ContactEmail.objects.filter(contact_id__in=many(contacts))
            .order_by("pk")
            .values_list("contact_id", "email")
        ):
            contacts[pk]["emails"].append(email)
        for pk, number in (
            ContactPhone.objects.filter(contact_id__in=many(contacts))
            .order_by("pk")
            .values_list("contact_id", "number")
        ):
            contacts[pk]["phones"].append(number)
        Through = Contact.tags.through
        for pk, tag in (
            Through.objects.filter(contact_id__in=many(contacts))
            .order_by("pk")
            .values_list("contact_id", "tag__name")
        ):
            contacts[pk]["tags"].append(tag)
        return found, contacts

    def plan(
        self, rows: list[tuple[int, list[str], dict[str, Any]]], looked_up: Any = None
    ) -> Iterable[tuple[int, list[str], Verdict]]:
        found, contacts = looked_up if looked_up is not None else self.lookup(rows)
        for line, cells, data in rows:
            keys = ([f"id:{data['id']}"] if "id" in data else []) + self._keys(data)
            match = next(((k, found[k]) for k in keys if k in found), None)
            repeat = self.repeat_of(line, [k for k in keys if not k.startswith("id:")] or keys, data)
            if repeat is not None:
                yield line, cells, repeat
                continue
            problems: list[Problem] = []
            owner = None
            if "owner" in data:
                owner_or_problem = self.owner(data["owner"])
                if isinstance(owner_or_problem, Problem):
                    problems.append(owner_or_problem)
                else:
                    owner = owner_or_problem
            if match is not None and match[1] not in contacts:
                key, _pk = match
                problems.append(
                    Problem(
                        key.split(":", 1)[0],
                        key.split(":", 1)[1],
                        _("Matches a contact you may not see; ask its owner or an admin."),
                    )
                )
            if problems:
                yield line, cells, problems
                continue
            if match is None:
                if not data.get("display_name"):
                    yield line, cells, [Problem(_("full name"), "", _("A new contact needs a name."))]
                    continue
                yield line, cells, Planned("create", line, data)
                continue
            changes = self._changes(contacts[match[1]], data, owner)
            yield line, cells, Planned("update", line, changes, pk=match[1]) if changes else "unchanged"

    def _changes(self, current: dict[str, Any], data: dict[str, Any], owner: User | None) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name in self.SCALARS:
            if name in data and data[name] != current[name]:
                changes[name] = [_plain(current[name]), _plain(data[name])]
        pii = can_see_pii(self.actor)
        for name in ("emails", "phones", "tags"):
            have = current[name]
            new = [v for v in data.get(name, []) if v not in have]
            if new and (pii or name == "tags"):
                changes[name] = [have, have + new]
        account = current["account__name"] or ""
        if "account" in data and account != data["account"]:
            changes["account"] = [account, data["account"]]
        if owner is not None and owner.pk != current["owner_id"]:
            changes["owner"] = [current["owner__username"], owner.username]
        return changes

    def _account_id(self, name: str) -> int:
        if name not in self._accounts:
            existing = (
                accounts_visible(self.actor)
                .filter(name=name)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if existing is None:
                account = Account.objects.create(
                    name=name,
                    search_name=name_keys(name, "", "")[0],
                    name_initials=name_keys(name, "", "")[2],
                    owner=self.actor,
                    team=self.actor.team,
                )
                self.audit("create", account.pk, {"name": [None, name]}, entity="account")
                existing = account.pk
            self._accounts[name] = existing
        return self._accounts[name]

    def _tag_ids(self, names: list[str]) -> list[int]:
        missing = [n for n in names if n not in self._tags]
        if missing:
            for name in missing:
                self._tags[name] = Tag.objects.get_or_create(name=name)[0].pk
        return [self._tags[n] for n in names]

    def write(self, batch: list[Planned]) -> None:
        creates = [p for p in batch if p.op == "create"]
        # Rows with their COPY text ready go in one statement per table; others in batches.
        prepared = bool(creates) and all("_copy" in p.data for p in creates)
        for part in _chunked(creates, len(creates) if prepared else BATCH):
            self._create(part)
        touched = []
        for planned in batch:
            if planned.op == "update":
                self._update(planned)
                if {"emails", "phones", "tags"} & planned.data.keys():
                    touched.append(planned.pk)
        # Added e-mails, phones and tags: the contacts' channel text is read back once per batch.
        refresh_channel_text(touched)

    def _create(self, part: list[Planned]) -> None:
        """New contacts with their e-mails, phones and tags, by COPY on PostgreSQL. One audit row
        per batch names the created ids and the import (whose file holds the values)."""
        prepared = all("_copy" in p.data for p in part)
        ids = self._copy_prepared(part) if prepared else self._insert(part)
        self.created_contacts += ids
        self.audit_rows.append(
            AuditLog(
                actor=self.actor,
                actor_name=self.actor.get_username(),
                action="create",
                entity="contact",
                entity_id=f"import:{self.job_id}",
                changes={"import": [None, self.job_id], "created_ids": [None, ids]},
            )
        )

    def _copy_prepared(self, part: list[Planned]) -> list[int]:
        """COPY of rows whose text the workers built (`contact_copy_text`). The contacts' lines go
        to PostgreSQL as they are built, so that it writes the first while this builds the rest;
        owners, accounts and tags are looked up (or created) first, as nothing else can run on
        the connection during a COPY."""
        now = bulk.cell(timezone.now())
        ids = bulk.reserve_ids(Contact, len(part))
        heads: dict[tuple[str, str], str] = {}  # (owner, account) -> the columns between id and tail
        for planned in part:
            d = planned.data
            key = (d.get("owner", ""), d.get("account", ""))
            if key not in heads:
                owner = self.owner(key[0]) if key[0] else self.actor
                assert isinstance(owner, User)
                account = self._account_id(key[1]) if key[1] else None
                head = (owner.pk, owner.team_id, account, now, now)
                heads[key] = "".join(f"\t{bulk.cell(v)}" for v in head)
            if "tags" in d:
                self._tag_ids(d["tags"])
        emails: list[str] = []
        phones: list[str] = []
        tags: list[str] = []
        with bulk.checked_now():
            with bulk.copy_into(Contact, (*CONTACT_HEAD, *CONTACT_TAIL)) as write:
                lines = []
                for pk, planned in zip(ids, part, strict=True):
                    d = planned.data
                    lines.append(f"{pk}{heads[d.get('owner', ''), d.get('account', '')]}\t{d['_copy']}")
                    if d["_copy_emails"]:
                        emails += [f"{pk}{rest}" for rest in d["_copy_emails"]]
                    if d["_copy_phones"]:
                        phones += [f"{pk}{rest}" for rest in d["_copy_phones"]]
                    if "tags" in d:
                        tags += [f"{pk}\t{self._tags[name]}" for name in d["tags"]]
                    if len(lines) == COPY_PIECE:
                        write(lines)
                        lines = []
                write(lines)
            bulk.copy_lines(ContactEmail, ("contact_id", "email", "label"), emails)
            bulk.copy_lines(ContactPhone, ("contact_id", "number", "label"), phones)
            bulk.copy_lines(Contact.tags.through, ("contact_id", "tag_id"), tags)
        return ids

    def _insert(self, part: list[Planned]) -> list[int]:
        now = timezone.now()
        rows = []
        for planned in part:
            d = planned.data
            owner = self.owner(d["owner"]) if "owner" in d else self.actor
            assert isinstance(owner, User)
            search_name, search_given, initials = name_keys(
                d["display_name"], d.get("family_name", ""), d.get("given_name", "")
            )
            row = {k: d[k] for k in self.SCALARS if k in d}
            row.update(
                account_id=self._account_id(d["account"]) if d.get("account") else None,
                primary_email=(d.get("emails") or [""])[0],
                primary_phone=(d.get("phones") or [""])[0],
                emails_text=joined(d.get("emails", [])),
                phones_text=joined(d.get("phones", [])),
                tags_text=joined_tags(d.get("tags", [])),
                search_name=search_name,
                search_given=search_given,
                name_initials=initials,
                owner_id=owner.pk,
                team_id=owner.team_id,
                created_at=now,
                updated_at=now,
            )
            rows.append(row)
        ids = bulk.insert(Contact, rows)
        emails, phones, tags = [], [], []
        for pk, planned in zip(ids, part, strict=True):
            d = planned.data
            emails += [{"contact_id": pk, "email": e} for e in d.get("emails", [])[1:]]
            phones += [{"contact_id": pk, "number": p} for p in d.get("phones", [])[1:]]
            tags += [{"contact_id": pk, "tag_id": t} for t in self._tag_ids(d.get("tags", []))]
        bulk.insert(ContactEmail, emails, ids=False)
        bulk.insert(ContactPhone, phones, ids=False)
        bulk.insert(Contact.tags.through, tags, ids=False)
        return ids

    def _update(self, planned: Planned) -> None:
        contact = Contact.objects.select_for_update().get(pk=planned.pk)
        changes = planned.data
        fields = ["version", "updated_at"]
        for name in self.SCALARS:
            if name in changes:
                setattr(contact, name, changes[name][1] if name != "birth_date" else _date(changes[name][1]))
                fields.append(name)
        if "account" in changes:
            contact.account_id = self._account_id(changes["account"][1])
            fields.append("account")
        if "owner" in changes:
            owner = self.owner(changes["owner"][1])
            assert isinstance(owner, User)
            contact.owner, contact.team_id = owner, owner.team_id
            fields += ["owner", "team"]
        if {"family_name", "given_name", "display_name"} & changes.keys():
            contact.search_name, contact.search_given, contact.name_initials = name_keys(
                contact.display_name, contact.family_name, contact.given_name
            )
            fields += ["search_name", "search_given", "name_initials"]
        channels: tuple[tuple[str, type[Model], str, str], ...] = (
            ("emails", ContactEmail, "email", "primary_email"),
            ("phones", ContactPhone, "number", "primary_phone"),
        )
        for name, model, value, primary in channels:  # new ones are added, none removed
            if name in changes:
                old, new = changes[name]
                added = new[len(old) :]
                if not getattr(contact, primary):  # the first one is the primary, on the contact
                    setattr(contact, primary, added.pop(0))
                    fields.append(primary)
                model._default_manager.bulk_create([model(contact=contact, **{value: v}) for v in added])
        if "tags" in changes:
            contact.tags.add(*self._tag_ids(changes["tags"][1]))
        if "lifecycle_stage" in changes:
            StageChange.objects.create(
                contact=contact,
                from_stage=changes["lifecycle_stage"][0],
                to_stage=changes["lifecycle_stage"][1],
                changed_by=self.actor,
                reason="import",
            )
        contact.version += 1
        contact.updated_at = timezone.now()
        contact.save(update_fields=fields)
        self.audit("update", contact.pk, changes)


def _date(value: Any) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class AccountHandler(Handler):
    """Matches by Inyeon id, then external id, then exact name."""

    entity = "account"
    SCALARS = ("external_id", "name", "business_number", "industry", "website", "phone", "email", "source")

    def plan(
        self, rows: list[tuple[int, list[str], dict[str, Any]]], looked_up: Any = None
    ) -> Iterable[tuple[int, list[str], Verdict]]:
        ids = {d["id"] for _line, _cells, d in rows if "id" in d}
        exts = {d["external_id"] for _line, _cells, d in rows if d.get("external_id")}
        names = {d["name"] for _line, _cells, d in rows if d.get("name")}
        found: dict[str, int] = {
            f"id:{pk}": pk for pk in Account.objects.filter(pk__in=many(ids)).values_list("pk", flat=True)
        }
        for ext, pk in (
            Account.objects.filter(external_id__in=many(exts)).order_by("pk").values_list("external_id", "pk")
        ):
            found.setdefault(f"external id:{ext}", pk)
        for name, pk in Account.objects.filter(name__in=many(names)).order_by("pk").values_list("name", "pk"):
            found.setdefault(f"name:{name}", pk)
        accounts = {
            a.pk: a
            for a in accounts_visible(self.actor)
            .filter(pk__in=many(set(found.values())))
            .select_related("owner")
            .prefetch_related("tags")
        }
        for line, cells, data in rows:
            keys = (
                ([f"id:{data['id']}"] if "id" in data else [])
                + ([f"external id:{data['external_id']}"] if data.get("external_id") else [])
                + ([f"name:{data['name']}"] if data.get("name") else [])
            )
            repeat = self.repeat_of(line, keys, data)
            if repeat is not None:
                yield line, cells, repeat
                continue
            match = next((found[k] for k in keys if k in found), None)
            owner = self.owner(data["owner"]) if "owner" in data else None
            if isinstance(owner, Problem):
                yield line, cells, [owner]
            elif match is not None and match not in accounts:
                yield (
                    line,
                    cells,
                    [
                        Problem(
                            _("name"),
                            data.get("name", ""),
                            _("Matches an account you may not see; ask its owner or an admin."),
                        )
                    ],
                )
            elif match is None:
                if not data.get("name"):
                    yield line, cells, [Problem(_("name"), "", _("A new account needs a name."))]
                else:
                    yield line, cells, Planned("create", line, data)
            else:
                account = accounts[match]
                changes = {
                    k: [getattr(account, k), data[k]]
                    for k in self.SCALARS
                    if k in data and data[k] != getattr(account, k)
                }
                tags = [t.name for t in account.tags.all()]
                if [t for t in data.get("tags", []) if t not in tags]:
                    changes["tags"] = [tags, list(dict.fromkeys(tags + data["tags"]))]
                if owner is not None and owner.pk != account.owner_id:
                    changes["owner"] = [account.owner.username, owner.username]
                yield line, cells, Planned("update", line, changes, pk=match) if changes else "unchanged"

    def write(self, batch: list[Planned]) -> None:
        for planned in batch:
            d = planned.data
            if planned.op == "create":
                owner = self.owner(d["owner"]) if "owner" in d else self.actor
                assert isinstance(owner, User)
                keys = name_keys(d["name"], "", "")
                account = Account.objects.create(
                    **{k: d[k] for k in self.SCALARS if k in d},
                    search_name=keys[0],
                    name_initials=keys[2],
                    owner=owner,
                    team_id=owner.team_id,
                )
                if d.get("tags"):
                    account.tags.set([Tag.objects.get_or_create(name=t)[0] for t in d["tags"]])
                self.audit("create", account.pk, {k: [None, v] for k, v in d.items() if k != "id"})
                continue
            account = Account.objects.select_for_update().get(pk=planned.pk)
            fields = ["version", "updated_at"]
            for name in self.SCALARS:
                if name in d:
                    setattr(account, name, d[name][1])
                    fields.append(name)
            if "name" in d:
                keys = name_keys(account.name, "", "")
                account.search_name, account.name_initials = keys[0], keys[2]
                fields += ["search_name", "name_initials"]
            if "owner" in d:
                owner = self.owner(d["owner"][1])
                assert isinstance(owner, User)
                account.owner, account.team_id = owner, owner.team_id
                fields += ["owner", "team"]
            if "tags" in d:
                account.tags.add(*[Tag.objects.get_or_create(name=t)[0] for t in d["tags"][1]])
            account.version += 1
            account.updated_at = timezone.now()
            account.save(update_fields=fields)
            self.audit("update", account.pk, d)


class ProductHandler(Handler):
    """Matches by product code."""

    entity = "product"
    SCALARS = ("name_ko", "name_en", "category", "unit_price", "currency", "active")

    def plan(
        self, rows: list[tuple[int, list[str], dict[str, Any]]], looked_up: Any = None
    ) -> Iterable[tuple[int, list[str], Verdict]]:
        codes = {d["code"] for _line, _cells, d in rows if d.get("code")}
        existing = {p.code: p for p in Product.objects.filter(code__in=many(codes))}
        for line, cells, data in rows:
            if not data.get("code"):
                yield line, cells, [Problem(_("code"), "", _("This field is required."))]
                continue
            repeat = self.repeat_of(line, [f"code:{data['code']}"], data)
            if repeat is not None:
                yield line, cells, repeat
            elif data["code"] not in existing:
                if not data.get("name_ko"):
                    yield line, cells, [Problem(_("name (Korean)"), "", _("A new product needs a name."))]
                else:
                    yield line, cells, Planned("create", line, data)
            else:
                product = existing[data["code"]]
                changes = {
                    k: [getattr(product, k), data[k]]
                    for k in self.SCALARS
                    if k in data and data[k] != getattr(product, k)
                }
                yield line, cells, Planned("update", line, changes, pk=product.pk) if changes else "unchanged"

    def write(self, batch: list[Planned]) -> None:
        for planned in batch:
            if planned.op == "create":
                product = Product(
                    code=planned.data["code"],
                    **{k: planned.data[k] for k in self.SCALARS if k in planned.data},
                )
                product.refresh_search_keys()
                product.save()
                self.audit("create", product.pk, {k: [None, v] for k, v in planned.data.items()})
                continue
            product = Product.objects.select_for_update().get(pk=planned.pk)
            for name, (_old, new) in planned.data.items():
                setattr(product, name, new)
            product.version += 1
            product.save(update_fields=[*planned.data.keys(), *product.refresh_search_keys(), "version"])
            self.audit("update", product.pk, planned.data)


class OrderHandler(Handler):
    """Finds the customer by external id, then e-mail (creating it when the mapping says so), and
    the order by its id; an order without an id is known by a key made from its contents and its
    place among identical lines, so importing the same file again finds every order."""

    entity = "order"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.occurrences: dict[str, int] = {}
        self.new_customers: dict[str, int] = {}  # customer key -> pk once created
        self.products: dict[str, int | None] = {}

    def _order_key(self, data: dict[str, Any]) -> str:
        if data.get("external_id"):
            return data["external_id"]
        content = "|".join(
            str(data.get(k, ""))
            for k in (
                "customer",
                "customer_email",
                "ordered_at",
                "amount",
                "currency",
                "quantity",
                "product",
                "channel",
            )
        )
        digest = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()[:20]
        self.occurrences[digest] = self.occurrences.get(digest, 0) + 1
        return f"imp:{digest}:{self.occurrences[digest]}"

    def plan(
        self, rows: list[tuple[int, list[str], dict[str, Any]]], looked_up: Any = None
    ) -> Iterable[tuple[int, list[str], Verdict]]:
        customer_keys = {d["customer"] for _line, _cells, d in rows if d.get("customer")}
        emails = {d["customer_email"] for _line, _cells, d in rows if d.get("customer_email")}
        by_key = dict(
            Contact.objects.filter(external_id__in=many(customer_keys))
            .order_by("-pk")
            .values_list("external_id", "pk")
        )
        by_email = contacts_by_email(emails)
        visible = set(
            contacts_visible(self.actor)
            .filter(pk__in=many([*by_key.values(), *by_email.values()]))
            .values_list("pk", flat=True)
        )
        for _line, _cells, d in rows:
            d["_key"] = self._order_key(d)
        order_keys = [d["_key"] for _line, _cells, d in rows]
        existing = {
            o.external_id: o for o in orders_visible(self.actor).filter(external_id__in=many(order_keys))
        }
        hidden = set(
            Order.objects.filter(external_id__in=many(set(order_keys) - existing.keys())).values_list(
                "external_id", flat=True
            )
        )
        codes = {d["product"] for _line, _cells, d in rows if d.get("product")} - self.products.keys()
        self.products.update({c: None for c in codes})
        self.products.update(dict(Product.objects.filter(code__in=many(codes)).values_list("code", "pk")))
        for line, cells, data in rows:
            key = data.pop("_key")
            contact = by_key.get(data.get("customer", "")) or by_email.get(data.get("customer_email", ""))
            if data.get("product") and self.products.get(data["product"]) is None:
                yield (
                    line,
                    cells,
                    [
                        Problem(
                            _("product code"),
                            data["product"],
                            _("No product with this code; import the products first."),
                        )
                    ],
                )
            elif key in hidden or (contact is not None and contact not in visible):
                yield (
                    line,
                    cells,
                    [
                        Problem(
                            _("customer key (external id)"),
                            data.get("customer", data.get("customer_email", "")),
                            _("Matches a record you may not see; ask its owner or an admin."),
                        )
                    ],
                )
            elif key in existing:
                order = existing[key]
                changes = {}
                for name, attr in (
                    ("amount", "total_amount"),
                    ("quantity", "quantity"),
                    ("status", "status"),
                    ("channel", "channel"),
                ):
                    if name in data and data[name] != getattr(order, attr):
                        changes[attr] = [getattr(order, attr), data[name]]
                yield line, cells, Planned("update", line, changes, pk=order.pk) if changes else "unchanged"
            elif contact is None and not (self.options.create_missing_customers and data.get("customer")):
                yield (
                    line,
                    cells,
                    [
                        Problem(
                            _("customer key (external id)"),
                            data.get("customer", data.get("customer_email", "")),
                            _("No contact has this key; import contacts first or let the mapping add them."),
                        )
                    ],
                )
            else:
                if contact is None:
                    self.new_customers.setdefault(data["customer"], 0)
                yield line, cells, Planned("create", line, {**data, "key": key, "contact": contact})

    def _create_customers(self, batch: list[Planned]) -> None:
        missing = sorted(
            {
                p.data["customer"]
                for p in batch
                if p.data["contact"] is None and not self.new_customers.get(p.data["customer"])
            }
        )
        if not missing:
            return
        now = timezone.now()
        contacts = []
        for key in missing:
            name = self.options.customer_name.replace("{key}", key)[:200]
            keys = name_keys(name, "", name)
            contacts.append(
                Contact(
                    external_id=key,
                    display_name=name,
                    given_name=name[:100],
                    name_order="western",
                    search_name=keys[0],
                    search_given=keys[1],
                    name_initials=keys[2],
                    owner=self.actor,
                    team_id=self.actor.team_id,
                    created_at=now,
                    updated_at=now,
                    source="import",
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        for contact in contacts:
            self.new_customers[contact.external_id] = contact.pk
            self.audit(
                "create",
                contact.pk,
                {"external_id": [None, contact.external_id], "display_name": [None, contact.display_name]},
                entity="contact",
            )

    def write(self, batch: list[Planned]) -> None:
        self._create_customers(batch)
        creates = [p for p in batch if p.op == "create"]
        contact_ids = {p.data["contact"] or self.new_customers[p.data["customer"]] for p in creates}
        owners = {
            c.pk: c
            for c in Contact.objects.filter(pk__in=many(contact_ids)).only(
                "pk", "owner_id", "team_id", "account_id"
            )
        }
        for part in _chunked(creates):
            orders, lines = [], []
            for planned in part:
                d = planned.data
                contact = owners[d["contact"] or self.new_customers[d["customer"]]]
                ordered_at = timezone.make_aware(_midday(d["ordered_at"]))
                order = Order(
                    contact_id=contact.pk,
                    account_id=contact.account_id,
                    owner_id=contact.owner_id,
                    team_id=contact.team_id,
                    ordered_at=ordered_at,
                    currency=d["currency"],
                    total_amount=d["amount"],
                    quantity=d.get("quantity", 1),
                    channel=d.get("channel", "online"),
                    status=d.get("status", "completed"),
                    external_id=d["key"],
                    number=d.get("external_id", "")[:40],
                )
                orders.append(order)
            Order.objects.bulk_create(orders, batch_size=BATCH)
            for order, planned in zip(orders, part, strict=True):
                d = planned.data
                if d.get("product"):
                    lines.append(
                        OrderLine(
                            order_id=order.pk,
                            product_id=self.products[d["product"]],
                            quantity=order.quantity,
                            unit_price=order.total_amount // max(order.quantity, 1),
                            amount=order.total_amount,
                        )
                    )
                self.audit(
                    "create",
                    order.pk,
                    {
                        "contact": [None, order.contact_id],
                        "total_amount": [None, order.total_amount],
                        "currency": [None, order.currency],
                        "ordered_at": [None, order.ordered_at.isoformat()],
                    },
                )
            OrderLine.objects.bulk_create(lines, batch_size=BATCH)
        for planned in batch:
            if planned.op == "update":
                order = Order.objects.select_for_update().get(pk=planned.pk)
                for attr, (_old, new) in planned.data.items():
                    setattr(order, attr, new)
                order.version += 1
                order.save(update_fields=[*planned.data.keys(), "version", "updated_at"])
                self.audit("update", order.pk, planned.data)


def _midday(day: Any) -> Any:
    import datetime as dt

    return dt.datetime.combine(day, dt.time(12, 0))


class LeadHandler(Handler):
    """Leads are created, never updated: a row whose e-mail (or, without one, phone) is already a
    lead's is skipped as unchanged, so importing the same file twice adds nothing. Each new lead
    goes through `leads.services.lead_create` (duplicate check against contacts, scoring, and the
    assignment rules when the row names no owner)."""

    entity = "lead"

    def plan(
        self, rows: list[tuple[int, list[str], dict[str, Any]]], looked_up: Any = None
    ) -> Iterable[tuple[int, list[str], Verdict]]:
        emails = {d["email"] for _line, _cells, d in rows if d.get("email")}
        phones = {d["phone"] for _line, _cells, d in rows if d.get("phone") and not d.get("email")}
        known_emails = set(Lead.objects.filter(email__in=many(emails)).values_list("email", flat=True))
        known_phones = set(Lead.objects.filter(phone__in=many(phones)).values_list("phone", flat=True))
        for line, cells, data in rows:
            key = f"email:{data['email']}" if data.get("email") else f"phone:{data['phone']}"
            repeat = self.repeat_of(line, [key], data)
            if repeat is not None:
                yield line, cells, repeat
                continue
            if data.get("email") in known_emails or (
                not data.get("email") and data.get("phone") in known_phones
            ):
                yield line, cells, "unchanged"
                continue
            if "owner" in data:
                owner = self.owner(data["owner"])
                if isinstance(owner, Problem):
                    yield line, cells, [owner]
                    continue
            yield line, cells, Planned("create", line, data)

    def write(self, batch: list[Planned]) -> None:
        for planned in batch:
            data = dict(planned.data)
            owner_name = data.pop("owner", None)
            source = data.pop("source", LeadSource.IMPORT)
            if owner_name:
                owner = self.owner(owner_name)
                assert isinstance(owner, User)
                data["owner_id"] = owner.pk
            lead_create(
                data=data,
                actor=self.actor,
                source=source,
                auto_assign=not owner_name,
            )


HANDLERS: dict[str, type[Handler]] = {
    "contacts": ContactHandler,
    "accounts": AccountHandler,
    "products": ProductHandler,
    "orders": OrderHandler,
    "leads": LeadHandler,
}
