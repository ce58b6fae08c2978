"""Every write to the customer 360 core: `<entity>_<verb>(*, ..., actor)`.

Each function validates everything first (naming each bad field), then writes in one transaction
with an audit row. Nothing is written when any field is bad.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, created_changes, diff, save_with_audit, snapshot
from inyeon.core.errors import ConflictError
from inyeon.core.hangul import chosung, has_hangul, search_key
from inyeon.core.models import RecordShare, User
from inyeon.core.visibility import assignable_users, can_write
from inyeon.customers.channels import SEPARATOR, TEXT_FIELDS, emails_of, joined, joined_tags, phones_of
from inyeon.customers.choices import (
    ActivityKind,
    AddressKind,
    Channel,
    ConsentChannel,
    ConsentStatus,
    LifecycleStage,
    NameOrder,
    OrderChannel,
    OrderStatus,
)
from inyeon.customers.models import (
    Account,
    Activity,
    Address,
    ConsentRecord,
    Contact,
    ContactEmail,
    ContactPhone,
    Order,
    OrderLine,
    Product,
    StageChange,
    Tag,
)
from inyeon.customers.names import display_name_for, name_keys, split_korean_name
from inyeon.customers.validation import (
    Errors,
    clean_choice,
    clean_currency,
    clean_date,
    clean_email,
    clean_int,
    clean_phone,
    clean_text,
)

CONTACT_AUDIT_FIELDS = (
    "family_name",
    "given_name",
    "display_name",
    "name_order",
    "account",
    "job_title",
    "primary_email",
    "primary_phone",
    "birth_date",
    "preferred_channel",
    "language",
    "source",
    "external_id",
    "referred_by",
    "lifecycle_stage",
    "notes",
    "owner",
    "team",
)
ACCOUNT_AUDIT_FIELDS = (
    "name",
    "business_number",
    "industry",
    "website",
    "phone",
    "email",
    "external_id",
    "source",
    "owner",
    "team",
)


def require_writer(actor: User) -> None:
    if not can_write(actor):
        raise PermissionDenied(_("Your role may not change customer records."))


def resolve_owner(data: Mapping[str, Any], actor: User, errors: Errors) -> User | None:
    """The owner the client asked for, if `actor` may assign it; never trusted blindly."""
    if "owner_id" not in data or data["owner_id"] in (None, ""):
        return None
    owner_id = clean_int(data, "owner_id", errors)
    if owner_id is None:
        return None
    owner = assignable_users(actor).filter(pk=owner_id).first()
    if owner is None:
        errors.add("owner_id", _("You may not assign records to this user."))
    return owner


def visible_record(
    model: type[Any], record_type: str, pk: Any, actor: User, field: str, errors: Errors
) -> Any:
    from inyeon.core.visibility import visible

    if pk in (None, ""):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        errors.add(field, _("Enter a whole number."))
        return None
    obj = visible(actor, model.objects.all(), record_type=record_type).filter(pk=pk).first()
    if obj is None:
        errors.add(field, _("No such record, or you may not see it."))
    return obj


def _clean_list(data: Mapping[str, Any], field: str, errors: Errors) -> list[Any] | None:
    if field not in data:
        return None
    value = data[field]
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        errors.add(field, _("Enter a list."))
        return None
    return list(value)


def _clean_addresses(raw: list[Any], errors: Errors) -> list[dict[str, str]]:
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"addresses[{i}]", _("Enter an address object."))
            continue
        sub = Errors()
        # line1 is required even when the key is missing altogether.
        line1 = clean_text({"line1": item.get("line1")}, "line1", sub, max_length=200, required=True) or ""
        cleaned = {
            "kind": clean_choice({"kind": item.get("kind", "home")}, "kind", sub, AddressKind.values)
            or "home",
            "country": (str(item.get("country") or "KR").strip().upper()),
            "postal_code": clean_text(item, "postal_code", sub, max_length=12) or "",
            "region": clean_text(item, "region", sub, max_length=100) or "",
            "city": clean_text(item, "city", sub, max_length=100) or "",
            "line1": line1,
            "line2": clean_text(item, "line2", sub, max_length=200) or "",
        }
        if len(cleaned["country"]) != 2 or not cleaned["country"].isalpha():
            sub.add("country", _("Use a two-letter ISO country code such as KR."))
        for field, messages in sub.by_field.items():
            for message in messages:
                errors.add(f"addresses[{i}].{field}", message)
        out.append(cleaned)
    return out


def _clean_contact(
    data: Mapping[str, Any], actor: User, *, creating: bool, instance: Contact | None = None
) -> tuple[dict[str, Any], dict[str, Any], Errors]:
    """Returns (fields, related, errors); `related` holds emails, phones, addresses, tags."""
    errors = Errors()
    fields: dict[str, Any] = {}
    related: dict[str, Any] = {}
    for name, max_length in (
        ("family_name", 100),
        ("given_name", 100),
        ("display_name", 200),
        ("job_title", 100),
        ("source", 60),
        ("external_id", 100),
        ("notes", 10000),
    ):
        value = clean_text(data, name, errors, max_length=max_length)
        if value is not None:
            fields[name] = value
    for name, choices in (
        ("name_order", NameOrder.values),
        ("preferred_channel", Channel.values),
        ("language", ["ko", "en", "ja", "zh"]),
        ("lifecycle_stage", LifecycleStage.values),
    ):
        # A blank name order means "decide from the script of the name" (below).
        value = clean_choice(
            data, name, errors, choices, allow_blank=name in ("preferred_channel", "name_order")
        )
        if value is not None:
            fields[name] = value
    birth = clean_date(data, "birth_date", errors)
    if birth != "":
        fields["birth_date"] = birth
    if "account_id" in data:
        fields["account"] = visible_record(
            Account, "account", data["account_id"], actor, "account_id", errors
        )
    if "referred_by_id" in data:
        referrer = visible_record(Contact, "contact", data["referred_by_id"], actor, "referred_by_id", errors)
        if referrer is not None and instance is not None and referrer.pk == instance.pk:
            errors.add("referred_by_id", _("A contact cannot refer themselves."))
        fields["referred_by"] = referrer
    owner = resolve_owner(data, actor, errors)
    if owner is not None:
        fields["owner"] = owner
        fields["team"] = owner.team
    emails = _clean_list(data, "emails", errors)
    if emails is not None:
        related["emails"] = list(
            dict.fromkeys(clean_email(str(e), f"emails[{i}]", errors) for i, e in enumerate(emails))
        )
    phones = _clean_list(data, "phones", errors)
    if phones is not None:
        related["phones"] = list(
            dict.fromkeys(clean_phone(str(p), f"phones[{i}]", errors) for i, p in enumerate(phones))
        )
    addresses = data.get("addresses")
    if addresses is not None:
        if not isinstance(addresses, list):
            errors.add("addresses", _("Enter a list of addresses."))
        else:
            related["addresses"] = _clean_addresses(addresses, errors)
    tags = _clean_list(data, "tags", errors)
    if tags is not None:
        related["tags"] = list(dict.fromkeys(str(t).strip()[:60] for t in tags if str(t).strip()))
        for i, name in enumerate(related["tags"]):
            if SEPARATOR in name:
                # ";" separates tags in exports and imports, and in the contact's tags_text.
                errors.add(f"tags[{i}]", _("A tag cannot contain ';'."))

    # Names: a single Korean full name in display_name is split; one of the three is required.
    family = fields.get("family_name", instance.family_name if instance else "")
    given = fields.get("given_name", instance.given_name if instance else "")
    display = fields.get("display_name", instance.display_name if instance else "")
    order = fields.get("name_order") or (instance.name_order if instance else "")
    if not order:
        order = NameOrder.EASTERN if has_hangul(family + given + display) else NameOrder.WESTERN
        fields["name_order"] = order
    if display and not family and not given and has_hangul(display):
        family, given = split_korean_name(display)
        fields["family_name"], fields["given_name"] = family, given
    if not display or ({"family_name", "given_name"} & fields.keys() and "display_name" not in data):
        display = display_name_for(family, given, order)
        fields["display_name"] = display
    name_touched = creating or {"family_name", "given_name", "display_name"} & fields.keys()
    if name_touched and not display.strip():
        errors.add("display_name", _("Enter a name: a family name, a given name or a display name."))
    fields["search_name"], fields["search_given"], fields["name_initials"] = name_keys(display, family, given)
    return fields, related, errors


def _write_channels(contact: Contact, related: Mapping[str, Any]) -> None:
    # The first e-mail and phone are the primary ones, on the contact row; the rest are rows.
    if "emails" in related:
        contact.emails.all().delete()
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=contact, email=e) for e in related["emails"][1:]
        )
        contact.primary_email = related["emails"][0] if related["emails"] else ""
        contact.emails_text = joined(related["emails"])
    if "phones" in related:
        contact.phones.all().delete()
        ContactPhone.objects.bulk_create(
            ContactPhone(contact=contact, number=p) for p in related["phones"][1:]
        )
        contact.primary_phone = related["phones"][0] if related["phones"] else ""
        contact.phones_text = joined(related["phones"])
    if "addresses" in related:
        contact.addresses.all().delete()
        Address.objects.bulk_create(Address(contact=contact, **a) for a in related["addresses"])
    if "tags" in related:
        contact.tags.set([Tag.objects.get_or_create(name=name)[0] for name in related["tags"]])
        contact.tags_text = joined_tags(related["tags"])


def contact_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Contact:
    require_writer(actor)
    fields, related, errors = _clean_contact(data, actor, creating=True)
    errors.raise_if_any()
    fields.setdefault("owner", actor)
    fields.setdefault("team", fields["owner"].team)
    with transaction.atomic():
        contact = Contact.objects.create(**fields)
        _write_channels(contact, related)
        contact.save(update_fields=["primary_email", "primary_phone", *TEXT_FIELDS])
        if contact.lifecycle_stage:
            StageChange.objects.create(
                contact=contact,
                from_stage="",
                to_stage=contact.lifecycle_stage,
                changed_by=actor,
                reason="created",
            )
        changes = created_changes(contact, CONTACT_AUDIT_FIELDS)
        changes.update({k: [None, v] for k, v in related.items()})
        audit(actor=actor, action="create", entity="contact", entity_id=contact.pk, changes=changes, ip=ip)
    return contact


def check_version(instance: Any, expected_version: int | None) -> None:
    if expected_version is not None and instance.version != expected_version:
        raise ConflictError(instance.version)


def contact_update(
    *,
    contact: Contact,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Contact:
    """Change the fields present in `data`; refuse a stale `expected_version` with ConflictError."""
    require_writer(actor)
    fields, related, errors = _clean_contact(data, actor, creating=False, instance=contact)
    errors.raise_if_any()
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, CONTACT_AUDIT_FIELDS)
        before_related = {
            "emails": emails_of(locked),
            "phones": phones_of(locked),
            "tags": sorted(locked.tags.values_list("name", flat=True)),
        }
        old_stage = locked.lifecycle_stage
        for name, value in fields.items():
            setattr(locked, name, value)
        _write_channels(locked, related)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        if locked.lifecycle_stage != old_stage:
            StageChange.objects.create(
                contact=locked,
                from_stage=old_stage,
                to_stage=locked.lifecycle_stage,
                changed_by=actor,
                reason="edited",
            )
        changes = diff(before, snapshot(locked, CONTACT_AUDIT_FIELDS))
        for key in ("emails", "phones", "tags"):
            if key in related and sorted(related[key]) != sorted(before_related[key]):
                changes[key] = [before_related[key], related[key]]
        if "addresses" in related:
            changes["addresses"] = ["…", related["addresses"]]
        audit(actor=actor, action="update", entity="contact", entity_id=locked.pk, changes=changes, ip=ip)
    return locked


def contact_delete(*, contact: Contact, actor: User, ip: str | None = None) -> None:
    require_writer(actor)
    if contact.orders.exists():
        raise ValidationError({"__all__": [_("A contact with orders cannot be deleted.")]})
    with transaction.atomic():
        before = snapshot(contact, CONTACT_AUDIT_FIELDS)
        pk = contact.pk
        contact.delete()
        audit(
            actor=actor,
            action="delete",
            entity="contact",
            entity_id=pk,
            changes={k: [v, None] for k, v in before.items()},
            ip=ip,
        )


def _clean_account(data: Mapping[str, Any], actor: User, *, creating: bool) -> tuple[dict[str, Any], Errors]:
    errors = Errors()
    fields: dict[str, Any] = {}
    for name, max_length, required in (
        ("name", 200, creating),
        ("business_number", 20, False),
        ("industry", 100, False),
        ("external_id", 100, False),
        ("source", 60, False),
        ("website", 200, False),
    ):
        value = clean_text(data, name, errors, max_length=max_length, required=required)
        if value is not None:
            fields[name] = value
    if "name" in data and not fields.get("name"):
        errors.add("name", _("This field is required."))
    if data.get("email"):
        fields["email"] = clean_email(str(data["email"]), "email", errors)
    elif "email" in data:
        fields["email"] = ""
    if data.get("phone"):
        fields["phone"] = clean_phone(str(data["phone"]), "phone", errors)
    elif "phone" in data:
        fields["phone"] = ""
    owner = resolve_owner(data, actor, errors)
    if owner is not None:
        fields["owner"], fields["team"] = owner, owner.team
    if "name" in fields:
        fields["search_name"] = search_key(fields["name"])[:200]
        fields["name_initials"] = chosung(fields["name"])[:100]
    return fields, errors


def account_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Account:
    require_writer(actor)
    fields, errors = _clean_account(data, actor, creating=True)
    errors.raise_if_any()
    fields.setdefault("owner", actor)
    fields.setdefault("team", fields["owner"].team)
    with transaction.atomic():
        account = Account.objects.create(**fields)
        audit(
            actor=actor,
            action="create",
            entity="account",
            entity_id=account.pk,
            ip=ip,
            changes=created_changes(account, ACCOUNT_AUDIT_FIELDS),
        )
    return account


def account_update(
    *,
    account: Account,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Account:
    require_writer(actor)
    fields, errors = _clean_account(data, actor, creating=False)
    errors.raise_if_any()
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, ACCOUNT_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        save_with_audit(locked, before, ACCOUNT_AUDIT_FIELDS, actor=actor, entity="account", ip=ip)
    return locked


def account_delete(*, account: Account, actor: User, ip: str | None = None) -> None:
    require_writer(actor)
    if account.orders.exists():
        raise ValidationError({"__all__": [_("An account with orders cannot be deleted.")]})
    with transaction.atomic():
        pk = account.pk
        before = snapshot(account, ACCOUNT_AUDIT_FIELDS)
        account.delete()
        audit(
            actor=actor,
            action="delete",
            entity="account",
            entity_id=pk,
            ip=ip,
            changes={k: [v, None] for k, v in before.items()},
        )


def consent_record(
    *,
    contact: Contact,
    channel: str,
    status: str,
    purpose: str,
    source: str,
    actor: User | None,
    recorded_at: dt.datetime | None = None,
    ip: str | None = None,
) -> ConsentRecord:
    """Append a grant or withdrawal; the contact's current state per channel is the latest one."""
    errors = Errors()
    clean_choice({"channel": channel}, "channel", errors, ConsentChannel.values, allow_blank=False)
    clean_choice({"status": status}, "status", errors, ConsentStatus.values, allow_blank=False)
    purpose = clean_text({"purpose": purpose}, "purpose", errors, max_length=200, required=True) or ""
    source = clean_text({"source": source}, "source", errors, max_length=100, required=True) or ""
    errors.raise_if_any()
    if actor is not None:
        require_writer(actor)
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            contact=contact,
            channel=channel,
            status=status,
            purpose=purpose,
            source=source,
            recorded_at=recorded_at or timezone.now(),
            recorded_by=actor,
        )
        audit(
            actor=actor,
            action="create",
            entity="consent",
            entity_id=record.pk,
            ip=ip,
            changes={
                "contact": [None, contact.pk],
                "channel": [None, channel],
                "status": [None, status],
                "purpose": [None, purpose],
                "source": [None, source],
            },
        )
    return record


SCHEDULED_KINDS = (ActivityKind.MEETING, ActivityKind.CALL)
# Four weeks: a longer lead time is a separate task, not a reminder.
MAX_REMINDER_MINUTES = 60 * 24 * 28
ACTIVITY_SCHEDULE_FIELDS = ("starts_at", "ends_at", "location", "due_at", "remind_before_minutes")


def _clean_schedule(
    data: Mapping[str, Any], kind: str, errors: Errors, current: Activity | None = None
) -> dict[str, Any]:
    """Start, end (or duration), location, due time and reminder; each rule names its field.

    Keys absent from `data` keep the current values (`current`), so a PATCH may send only one.
    """
    out: dict[str, Any] = {
        name: getattr(current, name) if current is not None else ("" if name == "location" else None)
        for name in ACTIVITY_SCHEDULE_FIELDS
    }
    for name in ("starts_at", "ends_at", "due_at"):
        if name in data:
            out[name] = _clean_datetime(data, name, errors)
    moved_alone = "starts_at" in data and "ends_at" not in data and "duration_minutes" not in data
    if current is not None and moved_alone and current.starts_at and current.ends_at and out["starts_at"]:
        # Moving a meeting keeps its length.
        out["ends_at"] = out["starts_at"] + (current.ends_at - current.starts_at)
    if "location" in data:
        out["location"] = clean_text(data, "location", errors, max_length=200) or ""
    if "remind_before_minutes" in data:
        minutes = clean_int(data, "remind_before_minutes", errors, minimum=0)
        if minutes is not None and minutes > MAX_REMINDER_MINUTES:
            errors.add(
                "remind_before_minutes",
                _("A reminder can be at most %(n)d minutes (four weeks) before.")
                % {"n": MAX_REMINDER_MINUTES},
            )
        out["remind_before_minutes"] = minutes
    duration = clean_int(data, "duration_minutes", errors, minimum=1) if "duration_minutes" in data else None
    scheduled = kind in SCHEDULED_KINDS
    if not scheduled:
        for name in ("starts_at", "ends_at", "duration_minutes"):
            if data.get(name) not in (None, ""):
                errors.add(name, _("Only meetings and calls have a start and an end."))
        out["starts_at"] = out["ends_at"] = None
    if duration is not None and out["starts_at"] is not None:
        if data.get("ends_at") not in (None, ""):
            errors.add("duration_minutes", _("Give an end time or a duration, not both."))
        else:
            out["ends_at"] = out["starts_at"] + dt.timedelta(minutes=duration)
    if out["ends_at"] is not None and out["starts_at"] is None and scheduled:
        errors.add("starts_at", _("An activity with an end needs a start."))
    if out["ends_at"] is not None and out["starts_at"] is not None and out["ends_at"] < out["starts_at"]:
        errors.add("ends_at", _("The end must not be before the start."))
    if out["remind_before_minutes"] is not None and _reminder_anchor(kind, out) is None:
        errors.add(
            "remind_before_minutes",
            _("A reminder needs a start time (meetings and calls) or a due time (tasks)."),
        )
    return out


def _reminder_anchor(kind: str, schedule: Mapping[str, Any]) -> dt.datetime | None:
    anchor: dt.datetime | None = schedule["starts_at"] if kind in SCHEDULED_KINDS else None
    return anchor or schedule["due_at"]


def _remind_at(kind: str, schedule: Mapping[str, Any]) -> dt.datetime | None:
    """When the reminder goes out; None when there is none or its activity has already begun."""
    minutes = schedule["remind_before_minutes"]
    anchor = _reminder_anchor(kind, schedule)
    if minutes is None or anchor is None or anchor <= timezone.now():
        return None
    return anchor - dt.timedelta(minutes=minutes)


def activity_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Activity:
    require_writer(actor)
    errors = Errors()
    kind = (
        clean_choice({"kind": data.get("kind")}, "kind", errors, ActivityKind.values, allow_blank=False) or ""
    )
    subject = (
        clean_text({"subject": data.get("subject")}, "subject", errors, max_length=200, required=True) or ""
    )
    body = clean_text(data, "body", errors, max_length=20000) or ""
    contact = visible_record(Contact, "contact", data.get("contact_id"), actor, "contact_id", errors)
    account = visible_record(Account, "account", data.get("account_id"), actor, "account_id", errors)
    if (
        contact is None
        and account is None
        and "contact_id" not in errors.by_field
        and "account_id" not in errors.by_field
    ):
        errors.add("contact_id", _("An activity belongs to a contact or an account."))
    schedule = _clean_schedule(data, kind, errors)
    occurred_at = _clean_datetime(data, "occurred_at", errors) or schedule["starts_at"] or timezone.now()
    errors.raise_if_any()
    with transaction.atomic():
        activity = Activity.objects.create(
            kind=kind,
            subject=subject,
            body=body,
            contact=contact,
            account=account or (contact.account if contact else None),
            occurred_at=occurred_at,
            remind_at=_remind_at(kind, schedule),
            owner=actor,
            team=actor.team,
            **schedule,
        )
        audit(
            actor=actor,
            action="create",
            entity="activity",
            entity_id=activity.pk,
            ip=ip,
            changes={
                "kind": [None, kind],
                "subject": [None, subject],
                "contact": [None, contact.pk if contact else None],
                **{
                    name: [None, value]
                    for name, value in snapshot(activity, ACTIVITY_SCHEDULE_FIELDS).items()
                    if value not in (None, "")
                },
            },
        )
    return activity


def activity_reschedule(
    *,
    activity: Activity,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Activity:
    """Change the subject, details, start/end, location, due time or reminder of an activity.

    Moving the start, the due time or the reminder re-arms a reminder that was already sent.
    """
    require_writer(actor)
    errors = Errors()
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        check_version(locked, expected_version)
        subject = clean_text(data, "subject", errors, max_length=200, required=True)
        body = clean_text(data, "body", errors, max_length=20000)
        schedule = _clean_schedule(data, locked.kind, errors, current=locked)
        errors.raise_if_any()
        fields = ("subject", "body", *ACTIVITY_SCHEDULE_FIELDS)
        before = snapshot(locked, fields)
        if subject is not None:
            locked.subject = subject
        if body is not None:
            locked.body = body
        for name, value in schedule.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, fields))
        if not changes:
            return locked
        remind_at = _remind_at(locked.kind, schedule)
        if remind_at != locked.remind_at:
            locked.remind_at = remind_at
            locked.reminded_at = None
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        audit(actor=actor, action="update", entity="activity", entity_id=locked.pk, ip=ip, changes=changes)
    return locked


def activity_complete(*, activity: Activity, actor: User, ip: str | None = None) -> Activity:
    require_writer(actor)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.done_at is None:
            locked.done_at = timezone.now()
            locked.version += 1
            locked.save(update_fields=["done_at", "version"])
            audit(
                actor=actor,
                action="update",
                entity="activity",
                entity_id=locked.pk,
                ip=ip,
                changes={"done_at": [None, locked.done_at.isoformat()]},
            )
    return locked


def _clean_datetime(data: Mapping[str, Any], field: str, errors: Errors) -> dt.datetime | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("Enter a date and time as YYYY-MM-DDTHH:MM."))
            return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def order_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Order:
    """An order with lines ({product_id, quantity, unit_price}) or a plain total amount."""
    require_writer(actor)
    errors = Errors()
    contact = visible_record(Contact, "contact", data.get("contact_id"), actor, "contact_id", errors)
    account = visible_record(Account, "account", data.get("account_id"), actor, "account_id", errors)
    if contact is None and account is None and not errors.by_field:
        errors.add("contact_id", _("An order belongs to a contact or an account."))
    ordered_at = _clean_datetime(data, "ordered_at", errors) or timezone.now()
    currency = clean_currency(str(data.get("currency") or "KRW"), "currency", errors)
    channel = (
        clean_choice({"channel": data.get("channel") or "online"}, "channel", errors, OrderChannel.values)
        or ""
    )
    status = (
        clean_choice({"status": data.get("status") or "completed"}, "status", errors, OrderStatus.values)
        or ""
    )
    number = clean_text(data, "number", errors, max_length=40) or ""
    external_id = clean_text(data, "external_id", errors, max_length=100) or ""
    lines_in: Sequence[Any] = data.get("lines") or []
    lines: list[OrderLine] = []
    for i, raw in enumerate(lines_in):
        sub = Errors()
        quantity = clean_int(raw, "quantity", sub, minimum=1) or 1
        product = None
        if raw.get("product_id") not in (None, ""):
            product = Product.objects.filter(pk=raw["product_id"]).first()
            if product is None:
                sub.add("product_id", _("No such product."))
        unit_price = clean_int(raw, "unit_price", sub, minimum=0)
        if unit_price is None:
            unit_price = product.unit_price if product else 0
        for field, messages in sub.by_field.items():
            for message in messages:
                errors.add(f"lines[{i}].{field}", message)
        lines.append(
            OrderLine(
                product=product,
                quantity=quantity,
                unit_price=unit_price,
                amount=quantity * unit_price,
                description=str(raw.get("description") or "")[:200],
            )
        )
    total = clean_int(data, "total_amount", errors, minimum=0)
    if total is None:
        total = sum(line.amount for line in lines)
    quantity = sum(line.quantity for line in lines) or (clean_int(data, "quantity", errors, minimum=1) or 1)
    errors.raise_if_any()
    owner_record: Contact | Account = contact or account
    with transaction.atomic():
        order = Order.objects.create(
            contact=contact,
            account=account or (contact.account if contact else None),
            number=number,
            ordered_at=ordered_at,
            currency=currency,
            total_amount=total,
            quantity=quantity,
            channel=channel,
            status=status,
            external_id=external_id,
            owner=owner_record.owner,
            team=owner_record.team,
        )
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        audit(
            actor=actor,
            action="create",
            entity="order",
            entity_id=order.pk,
            ip=ip,
            changes={
                "contact": [None, contact.pk if contact else None],
                "total_amount": [None, total],
                "currency": [None, currency],
                "ordered_at": [None, ordered_at.isoformat()],
            },
        )
    return order


def record_share(*, record_type: str, record_id: int, user: User, actor: User) -> RecordShare:
    require_writer(actor)
    with transaction.atomic():
        share, created = RecordShare.objects.get_or_create(
            record_type=record_type, record_id=record_id, user=user, defaults={"shared_by": actor}
        )
        if created:
            audit(
                actor=actor,
                action="create",
                entity="share",
                entity_id=share.pk,
                changes={"record": [None, f"{record_type}#{record_id}"], "user": [None, user.pk]},
            )
    return share
