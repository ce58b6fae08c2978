"""Merging one contact into another, and undoing it.

Every relation to Contact is re-pointed generically (`Contact._meta.related_objects` and the
contact's own many-to-many fields), so models added later (opportunities, cases) follow without a
change here. Rows that would break a unique constraint on the survivor (the same e-mail on both) and
one-to-one rows (the analytics score) of the merged contact are dropped and kept in the snapshot.
Everything the merge changed is in `MergeRecord.snapshot`, which is what undo replays backwards.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit
from inyeon.core.models import RecordShare, User
from inyeon.core.visibility import can_merge
from inyeon.customers.channels import refresh_channel_text
from inyeon.customers.choices import ConsentStatus
from inyeon.customers.models import ConsentRecord, Contact, ContactEmail, ContactPhone
from inyeon.customers.names import name_keys
from inyeon.customers.selectors import consent_state, contacts_visible
from inyeon.customers.services import CONTACT_AUDIT_FIELDS
from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, MergeRecord

# The fields a reviewer chooses between, in the order the merge page shows them: the audited
# contact fields, but the team, which follows the owner.
MERGE_FIELDS = tuple(name for name in CONTACT_AUDIT_FIELDS if name != "team")
SIDES = ("survivor", "merged")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _row(instance: models.Model) -> dict[str, Any]:
    """Every concrete column of `instance` as JSON-safe values, by attname."""
    return {f.attname: _plain(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _from_row(model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for f in model._meta.concrete_fields:
        if f.attname in row:
            value = row[f.attname]
            out[f.attname] = f.to_python(value) if value is not None and not f.is_relation else value
    return out


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.attname


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _check(actor: User, survivor: Contact, merged: Contact, choices: Mapping[str, str]) -> None:
    if not can_merge(actor):
        raise PermissionDenied(_("Your role may not merge contacts."))
    errors: dict[str, list[str]] = {}
    if survivor.pk == merged.pk:
        errors["merged"] = [_("Choose two different contacts.")]
    visible = set(
        contacts_visible(actor, single=True)
        .filter(pk__in=[survivor.pk, merged.pk])
        .values_list("pk", flat=True)
    )
    for side, contact in (("survivor", survivor), ("merged", merged)):
        if contact.pk not in visible:
            errors.setdefault(side, []).append(_("No such record, or you may not see it."))
    for name, side in choices.items():
        if name not in MERGE_FIELDS:
            errors[f"choices.{name}"] = [_("This field cannot be chosen in a merge.")]
        elif side not in SIDES:
            errors[f"choices.{name}"] = [_("Choose “survivor” or “merged”.")]
    if errors:
        raise ValidationError(errors)


def _relations() -> list[models.ForeignObjectRel]:
    return [
        rel for rel in Contact._meta.related_objects if not rel.many_to_many or rel.field.model is not Contact
    ]


def _unique_clashes(rel: models.ForeignObjectRel, survivor: Contact, rows: models.QuerySet[Any]) -> list[Any]:
    """The merged contact's rows that would repeat a survivor's row under a unique constraint."""
    model, name = rel.related_model, rel.field.name
    clashing: list[Any] = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is not None:
            continue
        fields = list(constraint.fields)
        if name not in fields or len(fields) < 2:
            continue
        others = [f for f in fields if f != name]
        taken = set(model._default_manager.filter(**{name: survivor}).values_list(*others))
        clashing += [obj for obj in rows if tuple(getattr(obj, _attname(model, f)) for f in others) in taken]
    return clashing


def _repoint(survivor: Contact, merged: Contact, snap: dict[str, Any]) -> None:
    moved: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for rel in _relations():
        model, name = rel.related_model, rel.field.name
        rows = model._default_manager.filter(**{name: merged})
        if model is Contact:
            rows = rows.exclude(pk=survivor.pk)  # the survivor's own "referred by" is handled with its fields
        if rel.many_to_many:
            continue
        if rel.one_to_one:
            # A one-to-one row (the analytics score) cannot be moved onto a contact that has one.
            for obj in rows:
                dropped.append({"model": _label(model), "row": _row(obj)})
                obj.delete()
            continue
        for obj in _unique_clashes(rel, survivor, rows):
            dropped.append({"model": _label(model), "row": _row(obj)})
            obj.delete()
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        model._default_manager.filter(pk__in=ids).update(**{name: survivor})
        moved.append({"model": _label(model), "field": name, "ids": ids})
    # Shares name the record by type and id rather than by a foreign key.
    shares = RecordShare.objects.filter(record_type="contact", record_id=merged.pk)
    already = set(
        RecordShare.objects.filter(record_type="contact", record_id=survivor.pk).values_list(
            "user_id", flat=True
        )
    )
    for share in shares.filter(user_id__in=already):
        dropped.append({"model": _label(RecordShare), "row": _row(share)})
        share.delete()
    share_ids = list(shares.values_list("pk", flat=True))
    if share_ids:
        RecordShare.objects.filter(pk__in=share_ids).update(record_id=survivor.pk)
        moved.append({"model": _label(RecordShare), "field": "record_id", "ids": share_ids})
    m2m: list[dict[str, Any]] = []
    for field in Contact._meta.many_to_many:
        theirs = set(getattr(merged, field.name).values_list("pk", flat=True))
        ours = set(getattr(survivor, field.name).values_list("pk", flat=True))
        added = sorted(theirs - ours)
        getattr(survivor, field.name).add(*added)
        m2m.append({"field": field.name, "merged": sorted(theirs), "added": added})
    snap.update(moved=moved, dropped=dropped, m2m=m2m)


def _settle_channels(
    survivor: Contact, before: Mapping[str, str], merged: Contact, snap: dict[str, Any]
) -> None:
    """After the fields are chosen: the primary e-mail or phone that was not chosen stays on the
    survivor as an additional one, and an additional one that became primary leaves its row (the
    primary value lives on the contact only)."""
    created: list[dict[str, Any]] = []
    for model, value, primary in (
        (ContactEmail, "email", "primary_email"),
        (ContactPhone, "number", "primary_phone"),
    ):
        label = _label(model)
        moved = {pk for m in snap["moved"] if m["model"] == label for pk in m["ids"]}
        chosen = getattr(survivor, primary)
        rows = model._default_manager.filter(contact=survivor)
        for row in rows.filter(**{value: chosen}) if chosen else []:
            kept = _row(row)
            if row.pk in moved:  # it was the merged contact's: undo gives it back to that one
                kept["contact_id"] = merged.pk
            snap["dropped"].append({"model": label, "row": kept})
            row.delete()
        have = set(rows.values_list(value, flat=True))
        ids = []
        for candidate in (before[primary], getattr(merged, primary)):
            if candidate and candidate != chosen and candidate not in have:
                ids.append(model._default_manager.create(contact=survivor, **{value: candidate}).pk)
                have.add(candidate)
        if ids:
            created.append({"model": label, "ids": ids})
    snap["created"] = created


def _consent_disagreements(survivor: Contact, merged: Contact) -> list[str]:
    """The channels whose current consent differs between the two (read before re-pointing): the
    survivor gets a withdrawal on each, so the stricter state wins."""
    ours, theirs = consent_state(survivor), consent_state(merged)
    channels = []
    for channel, record in ours.items():
        other = theirs.get(channel)
        a = record.status if record is not None else None
        b = other.status if other is not None else None
        if a != b:
            channels.append(channel)
    return channels


def _write_withdrawals(survivor: Contact, merged_pk: int, channels: list[str], actor: User) -> list[int]:
    now = timezone.now()
    return [
        ConsentRecord.objects.create(
            contact=survivor,
            channel=channel,
            status=ConsentStatus.WITHDRAWN,
            purpose=_("Merge of contact #%(id)s: the stricter consent is kept") % {"id": merged_pk},
            source="merge",
            recorded_at=now,
            recorded_by=actor,
        ).pk
        for channel in channels
    ]


def _apply_choices(survivor: Contact, merged: Contact, choices: Mapping[str, str]) -> dict[str, list[Any]]:
    changed: dict[str, list[Any]] = {}
    for name in MERGE_FIELDS:
        if choices.get(name) != "merged":
            continue
        attname = _attname(Contact, name)
        value = getattr(merged, attname)
        if name == "referred_by" and value == survivor.pk:
            value = None
        if getattr(survivor, attname) != value:
            changed[attname] = [_plain(getattr(survivor, attname)), _plain(value)]
            setattr(survivor, attname, value)
        if name == "owner" and survivor.team_id != merged.team_id:
            changed["team_id"] = [survivor.team_id, merged.team_id]
            survivor.team_id = merged.team_id
    if survivor.referred_by_id == merged.pk:
        changed["referred_by_id"] = [merged.pk, None]
        survivor.referred_by_id = None
    return changed


def contacts_merge(
    *, survivor: Contact, merged: Contact, choices: Mapping[str, str], actor: User, ip: str | None = None
) -> MergeRecord:
    """Merge `merged` into `survivor`, taking each field in `choices` from the side named there
    (the survivor's value where a field is not named). `merged` is deleted; undo brings it back."""
    _check(actor, survivor, merged, choices)
    with transaction.atomic():
        low, high = sorted([survivor.pk, merged.pk])
        locked = {
            c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[low, high]).order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError({"merged": [_("No such record, or you may not see it.")]})
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        snap: dict[str, Any] = {"merged": _row(merged), "choices": dict(choices)}
        snap["candidates"] = [
            _row(c)
            for c in DuplicateCandidate.objects.filter(models.Q(first=merged) | models.Q(second=merged))
        ]
        channels = _consent_disagreements(survivor, merged)
        _repoint(survivor, merged, snap)
        before = {"primary_email": survivor.primary_email, "primary_phone": survivor.primary_phone}
        changed = _apply_choices(survivor, merged, choices)
        _settle_channels(survivor, before, merged, snap)
        snap["survivor_changed"] = {k: v[0] for k, v in changed.items()}
        survivor.search_name, survivor.search_given, survivor.name_initials = name_keys(
            survivor.display_name, survivor.family_name, survivor.given_name
        )
        survivor.version += 1
        survivor.updated_at = timezone.now()
        survivor.save()
        # The merged contact's e-mails, phones and tags are the survivor's now.
        refresh_channel_text([survivor.pk])
        snap["consents_added"] = _write_withdrawals(survivor, merged.pk, channels, actor)
        merged_pk = merged.pk
        merged.delete()
        record = MergeRecord.objects.create(
            survivor=survivor, merged_contact_id=merged_pk, snapshot=snap, merged_by=actor
        )
        moved = {m["model"]: len(m["ids"]) for m in snap["moved"]}
        audit(
            actor=actor,
            action="update",
            entity="contact",
            entity_id=survivor.pk,
            ip=ip,
            changes={
                **changed,
                "merged_contact": [merged_pk, None],
                "merge": [None, record.pk],
                "moved": [None, moved],
            },
        )
        audit(
            actor=actor,
            action="delete",
            entity="contact",
            entity_id=merged_pk,
            ip=ip,
            changes={"merged_into": [None, survivor.pk], "merge": [None, record.pk]},
        )
    return record


def merge_undo(*, record: MergeRecord, actor: User, ip: str | None = None) -> Contact:
    """Bring the merged contact back with its id, its related rows and fields, and restore the
    survivor's fields and consents as they were before the merge."""
    if not can_merge(actor):
        raise PermissionDenied(_("Your role may not merge contacts."))
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=record.pk)
        if record.undone_at is not None:
            raise ValidationError({"merge": [_("This merge has already been undone.")]})
        if not contacts_visible(actor, single=True).filter(pk=record.survivor_id).exists():
            raise ValidationError({"survivor": [_("No such record, or you may not see it.")]})
        if Contact.objects.filter(pk=record.merged_contact_id).exists():
            raise ValidationError({"merge": [_("A contact with the merged contact's id exists again.")]})
        survivor = Contact.objects.select_for_update().get(pk=record.survivor_id)
        snap = record.snapshot
        values = _from_row(Contact, snap["merged"])
        for attname, model in (("account_id", "customers.Account"), ("referred_by_id", "customers.Contact")):
            if values.get(attname) and not apps.get_model(model).objects.filter(pk=values[attname]).exists():
                values[attname] = None
        merged = Contact(**values)
        merged.save(force_insert=True)
        for entry in snap.get("created", []):  # the survivor's rows for the primary values not chosen
            apps.get_model(entry["model"])._default_manager.filter(pk__in=entry["ids"]).delete()
        for entry in snap["moved"]:
            by_id = entry["field"] == "record_id"  # record shares name the contact by id
            apps.get_model(entry["model"])._default_manager.filter(
                pk__in=entry["ids"], **{entry["field"]: survivor.pk if by_id else survivor}
            ).update(**{entry["field"]: merged.pk if by_id else merged})
        for entry in snap["dropped"]:
            dropped_model = apps.get_model(entry["model"])
            dropped_model._default_manager.create(**_from_row(dropped_model, entry["row"]))
        for entry in snap["m2m"]:
            getattr(survivor, entry["field"]).remove(*entry["added"])
            getattr(merged, entry["field"]).add(*entry["merged"])
        ConsentRecord.objects.filter(pk__in=snap["consents_added"], contact=survivor).delete()
        restored = _from_row(Contact, snap["survivor_changed"])
        for attname in snap["survivor_changed"]:
            setattr(survivor, attname, restored[attname])
        survivor.search_name, survivor.search_given, survivor.name_initials = name_keys(
            survivor.display_name, survivor.family_name, survivor.given_name
        )
        survivor.version += 1
        survivor.updated_at = timezone.now()
        survivor.save()
        refresh_channel_text([survivor.pk, merged.pk])
        rows = [DuplicateCandidate(**_from_row(DuplicateCandidate, row)) for row in snap["candidates"]]
        for row in rows:
            if {row.first_id, row.second_id} == {survivor.pk, merged.pk}:
                row.status, row.resolved_at, row.resolved_by_id = CandidateStatus.OPEN, None, None
        DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)
        record.undone_at, record.undone_by = timezone.now(), actor
        record.save(update_fields=["undone_at", "undone_by"])
        audit(
            actor=actor,
            action="create",
            entity="contact",
            entity_id=merged.pk,
            ip=ip,
            changes={"merge_undone": [None, record.pk]},
        )
        audit(
            actor=actor,
            action="update",
            entity="contact",
            entity_id=survivor.pk,
            ip=ip,
            changes={
                **{k: [None, v] for k, v in snap["survivor_changed"].items()},
                "merge_undone": [None, record.pk],
            },
        )
    return merged
