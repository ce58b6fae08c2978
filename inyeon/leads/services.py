"""Every write of leads: `<entity>_<verb>(*, ..., actor)`, validated first (naming each bad field),
then one transaction with an audit row and a history entry. Capture from the public form runs
without a signed-in actor (the audit row says "system") after the spam checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, created_changes, diff, snapshot
from inyeon.core.hangul import has_hangul, search_key
from inyeon.core.models import Team, User
from inyeon.core.visibility import can_assign_to_others, is_admin
from inyeon.customers.choices import ActivityKind, ConsentChannel, ConsentStatus, NameOrder
from inyeon.customers.models import Account, Contact
from inyeon.customers.names import display_name_for, name_keys, split_korean_name
from inyeon.customers.services import (
    account_create,
    activity_create,
    check_version,
    consent_record,
    contact_create,
    require_writer,
    resolve_owner,
    visible_record,
)
from inyeon.customers.validation import Errors, clean_choice, clean_email, clean_int, clean_phone, clean_text
from inyeon.leads import assignment, duplicates, scoring, spam
from inyeon.leads.models import (
    AssignmentField,
    AssignmentRule,
    AssignmentStrategy,
    Lead,
    LeadEvent,
    LeadForm,
    LeadScoreModel,
    LeadSource,
    LeadStatus,
    ScoringField,
    ScoringOperator,
    ScoringRule,
    WorkingHours,
)
from inyeon.sales.services import clean_close_date, opportunity_create

LEAD_AUDIT_FIELDS = (
    "display_name",
    "family_name",
    "given_name",
    "company",
    "job_title",
    "industry",
    "company_size",
    "email",
    "phone",
    "region",
    "country",
    "source",
    "status",
    "score",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "consent_email",
    "consent_sms",
    "notes",
    "owner",
    "team",
)
TEXT_FIELDS = (
    ("family_name", 100),
    ("given_name", 100),
    ("display_name", 200),
    ("company", 200),
    ("job_title", 100),
    ("industry", 100),
    ("region", 100),
    ("campaign", 120),
    ("utm_source", 120),
    ("utm_medium", 120),
    ("utm_campaign", 120),
    ("utm_term", 120),
    ("utm_content", 120),
    ("consent_purpose", 200),
    ("consent_source", 100),
    ("notes", 10_000),
)
# What a visitor may fill in on the public form (everything else comes from the form's settings).
PUBLIC_FIELDS = frozenset(
    {
        "family_name",
        "given_name",
        "display_name",
        "company",
        "job_title",
        "industry",
        "company_size",
        "email",
        "phone",
        "region",
        "country",
        "notes",
        "consent_email",
        "consent_sms",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
    }
)
TRUE = {"1", "true", "on", "yes", "y"}


def _bool(value: Any) -> bool:
    return value is True or str(value).strip().lower() in TRUE


def _clean(
    data: Mapping[str, Any], actor: User | None, *, creating: bool, instance: Lead | None = None
) -> tuple[dict[str, Any], Errors]:
    errors = Errors()
    fields: dict[str, Any] = {}
    for name, max_length in TEXT_FIELDS:
        value = clean_text(data, name, errors, max_length=max_length)
        if value is not None:
            fields[name] = value
    if "email" in data:
        raw = str(data["email"] or "").strip()
        fields["email"] = clean_email(raw, "email", errors) if raw else ""
    if "phone" in data:
        raw = str(data["phone"] or "").strip()
        fields["phone"] = clean_phone(raw, "phone", errors) if raw else ""
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            errors.add("country", _("Use a two-letter ISO country code such as KR."))
        fields["country"] = country
    if "company_size" in data:
        fields["company_size"] = clean_int(data, "company_size", errors, minimum=0)
    for name, choices in (("source", LeadSource.values), ("name_order", NameOrder.values)):
        value = clean_choice(data, name, errors, choices, allow_blank=name == "name_order")
        if value:
            fields[name] = value
    if "status" in data:
        allowed = [s for s in LeadStatus.values if s != LeadStatus.CONVERTED]
        status = clean_choice(data, "status", errors, allowed, allow_blank=False)
        if status:
            fields["status"] = status
    for name in ("consent_email", "consent_sms"):
        if name in data:
            fields[name] = _bool(data[name])
    if actor is not None:
        owner = resolve_owner(data, actor, errors)
        if owner is not None:
            fields["owner"], fields["team"] = owner, owner.team

    # Names as contacts have them: a single Korean full name is split, the display name is built.
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
    if (creating or {"family_name", "given_name", "display_name"} & fields.keys()) and not display.strip():
        errors.add("display_name", _("Enter a name: a family name, a given name or a display name."))
    if "company" in fields:
        fields["company_key"] = search_key(fields["company"])[:200]
    search_name, _given, initials = name_keys(display, family, given)
    fields["search_name"], fields["name_initials"] = search_name, initials
    email = fields.get("email", instance.email if instance else "")
    phone = fields.get("phone", instance.phone if instance else "")
    if (
        creating
        and not email
        and not phone
        and "email" not in errors.by_field
        and "phone" not in errors.by_field
    ):
        errors.add("email", _("Enter an e-mail address or a phone number to reach the lead."))
    return fields, errors


def _event(lead: Lead, kind: str, actor: User | None, **kwargs: Any) -> LeadEvent:
    return LeadEvent.objects.create(
        lead=lead, kind=kind, actor=actor if actor and actor.pk else None, **kwargs
    )


def _rescore(lead: Lead) -> None:
    lead.score, lead.score_reasons, lead.win_probability = scoring.compute(lead)
    Lead.objects.filter(pk=lead.pk).update(
        score=lead.score, score_reasons=lead.score_reasons, win_probability=lead.win_probability
    )


def _assign_by_rules(lead: Lead, actor: User | None, ip: str | None, now: dt.datetime | None = None) -> bool:
    """Give `lead` the owner the assignment rules choose; False when no rule applies."""
    # The rules are locked (in id order) before choosing: two leads arriving together must not
    # both read the same round-robin turn.
    locked = {r.pk: r for r in AssignmentRule.objects.select_for_update().filter(active=True).order_by("pk")}
    rules = sorted(locked.values(), key=lambda r: (r.position, r.pk))
    choice = assignment.choose(lead, now=now, rules=rules)
    if choice is None:
        return False
    rule = choice.rule
    if rule.strategy == AssignmentStrategy.ROUND_ROBIN:
        rule.last_assigned = choice.user
        rule.save(update_fields=["last_assigned"])
    _set_owner(
        lead,
        choice.user,
        actor,
        ip,
        how={"rule": rule.pk, "rule_name": rule.name, "strategy": rule.strategy},
        waiting_until=choice.waiting_until,
    )
    return True


def _set_owner(
    lead: Lead,
    owner: User,
    actor: User | None,
    ip: str | None,
    *,
    how: dict[str, Any],
    waiting_until: dt.datetime | None = None,
) -> None:
    before = lead.owner_id
    lead.owner, lead.team = owner, owner.team
    lead.assigned_at = timezone.now()
    lead.save(update_fields=["owner", "team", "assigned_at"])
    data = {"from": before, "to": owner.pk, "to_name": owner.get_username(), **how}
    if waiting_until is not None:
        data["waiting_until"] = waiting_until.isoformat()
    _event(lead, LeadEvent.Kind.ASSIGNED, actor, data=data)
    audit(
        actor=actor,
        action="update",
        entity="lead",
        entity_id=lead.pk,
        ip=ip,
        changes={"owner": [before, owner.pk], "assignment": [None, how]},
    )


def _create(
    fields: dict[str, Any],
    *,
    actor: User | None,
    owner: User,
    ip: str | None,
    auto_assign: bool,
    now: dt.datetime | None = None,
) -> Lead:
    fields.setdefault("owner", owner)
    fields.setdefault("team", fields["owner"].team)
    with transaction.atomic():
        lead = Lead.objects.create(**fields)
        _event(lead, LeadEvent.Kind.CREATED, actor, data={"source": lead.source})
        audit(
            actor=actor,
            action="create",
            entity="lead",
            entity_id=lead.pk,
            ip=ip,
            changes=created_changes(lead, LEAD_AUDIT_FIELDS),
        )
        duplicates.refresh(lead)
        _rescore(lead)
        if auto_assign:
            _assign_by_rules(lead, actor, ip, now)
    return lead


def lead_create(
    *,
    data: Mapping[str, Any],
    actor: User,
    source: str = LeadSource.MANUAL,
    auto_assign: bool = False,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Lead:
    """A lead entered by a user (web form or API). It is theirs (or `owner_id`'s) unless `auto_assign`
    asks the assignment rules (`now` is the arrival time their working hours are checked against)."""
    require_writer(actor)
    fields, errors = _clean(data, actor, creating=True)
    errors.raise_if_any()
    fields.setdefault("source", source)
    if fields.get("consent_email") or fields.get("consent_sms"):
        fields.setdefault("consent_at", timezone.now())
        fields["consent_source"] = fields.get("consent_source") or str(LeadSource(fields["source"]).label)
    return _create(
        fields, actor=actor, owner=actor, ip=ip, auto_assign=auto_assign and "owner" not in fields, now=now
    )


def lead_capture(
    *,
    form: LeadForm,
    data: Mapping[str, Any],
    ip: str | None,
    body_bytes: int = 0,
    now: dt.datetime | None = None,
    clock: float | None = None,
) -> Lead | None:
    """A lead from the public form. Raises `spam.Rejected` (too large, too fast, too many) or
    ValidationError (bad fields); returns None for a filled honeypot (the bot is thanked, nothing is
    stored)."""
    if not form.active:
        raise spam.Rejected(404, "inactive", _("This form is no longer open."))
    spam.check_size(data, body_bytes)
    spam.check_rate(ip)
    if spam.is_honeypot_filled(data):
        return None
    spam.check_token(form.key, str(data.get(spam.TOKEN) or ""), form.min_fill_seconds, now=clock)
    public = {k: v for k, v in data.items() if k in PUBLIC_FIELDS}
    fields, errors = _clean(public, None, creating=True)
    errors.raise_if_any()
    fields.update(source=form.source, form=form, campaign=form.campaign)
    if fields.get("consent_email") or fields.get("consent_sms"):
        fields.update(
            consent_at=now or timezone.now(),
            consent_purpose=form.consent_purpose or _("Marketing information"),
            consent_source=f"{_('Web form')}: {form.name}"[:100],
        )
    owner = form.owner
    fields["team"] = form.team or owner.team
    return _create(fields, actor=None, owner=owner, ip=ip, auto_assign=True, now=now)


def lead_update(
    *,
    lead: Lead,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Lead:
    require_writer(actor)
    if lead.status == LeadStatus.CONVERTED:
        raise ValidationError({"__all__": [_("This lead is converted; change the contact instead.")]})
    fields, errors = _clean(data, actor, creating=False, instance=lead)
    errors.raise_if_any()
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, LEAD_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        if (fields.get("consent_email") or fields.get("consent_sms")) and locked.consent_at is None:
            locked.consent_at = timezone.now()
            locked.consent_source = locked.consent_source or str(LeadSource(locked.source).label)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        _rescore(locked)
        changes = diff(before, snapshot(locked, LEAD_AUDIT_FIELDS))
        if {"email", "phone", "display_name", "company"} & changes.keys():
            duplicates.refresh(locked)
        if changes:
            _event(locked, LeadEvent.Kind.UPDATED, actor, data={"fields": sorted(changes)})
        if "owner" in changes:
            locked.assigned_at = timezone.now()
            locked.save(update_fields=["assigned_at"])
            data = {
                "from": changes["owner"][0],
                "to": locked.owner_id,
                "to_name": locked.owner.get_username(),
            }
            _event(locked, LeadEvent.Kind.ASSIGNED, actor, data={**data, "manual": True})
        audit(actor=actor, action="update", entity="lead", entity_id=locked.pk, changes=changes, ip=ip)
    return locked


def lead_assign(*, lead: Lead, owner_id: Any, actor: User, ip: str | None = None) -> Lead:
    """Manual reassignment by a manager (or an admin) to a user they may assign records to."""
    require_writer(actor)
    if not can_assign_to_others(actor):
        raise PermissionDenied(_("Only managers and admins may reassign leads."))
    errors = Errors()
    owner = resolve_owner({"owner_id": owner_id}, actor, errors)
    if owner is None and not errors.by_field:
        errors.add("owner_id", _("This field is required."))
    errors.raise_if_any()
    assert owner is not None
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.owner_id != owner.pk:
            _set_owner(locked, owner, actor, ip, how={"manual": True})
            Lead.objects.filter(pk=locked.pk).update(version=locked.version + 1)
            locked.version += 1
    return locked


def lead_reassign_by_rules(*, lead: Lead, actor: User, ip: str | None = None) -> bool:
    require_writer(actor)
    if not can_assign_to_others(actor):
        raise PermissionDenied(_("Only managers and admins may reassign leads."))
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        return _assign_by_rules(locked, actor, ip)


def lead_activity_add(
    *, lead: Lead, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> LeadEvent:
    """A call, meeting, e-mail, note or task logged on the lead (engagement that the score counts)."""
    require_writer(actor)
    errors = Errors()
    kind = (
        clean_choice({"kind": data.get("kind")}, "kind", errors, ActivityKind.values, allow_blank=False) or ""
    )
    subject = (
        clean_text({"subject": data.get("subject")}, "subject", errors, max_length=200, required=True) or ""
    )
    body = clean_text(data, "body", errors, max_length=20_000) or ""
    errors.raise_if_any()
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status == LeadStatus.CONVERTED:
            raise ValidationError({"__all__": [_("This lead is converted; change the contact instead.")]})
        event = _event(locked, LeadEvent.Kind.ACTIVITY, actor, activity_kind=kind, subject=subject, body=body)
        changes: dict[str, Any] = {
            "lead": [None, locked.pk],
            "kind": [None, kind],
            "subject": [None, subject],
        }
        if locked.status == LeadStatus.NEW:
            locked.status = LeadStatus.WORKING
            locked.save(update_fields=["status"])
            changes["lead_status"] = [LeadStatus.NEW, LeadStatus.WORKING]
        _rescore(locked)
        audit(
            actor=actor,
            action="create",
            entity="lead_activity",
            entity_id=event.pk,
            ip=ip,
            changes=changes,
        )
    return event


def lead_convert(
    *,
    lead: Lead,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Lead:
    """Convert in one step: link or create the account and the contact, optionally an opportunity;
    carry the consents, notes and activities over; mark the lead converted. All or nothing.

    `data`: account_id / contact_id (link an existing record, e.g. a duplicate found at capture),
    create_opportunity (bool), opportunity_name, amount, currency, close_date."""
    require_writer(actor)
    errors = Errors()
    account = visible_record(Account, "account", data.get("account_id"), actor, "account_id", errors)
    contact = visible_record(Contact, "contact", data.get("contact_id"), actor, "contact_id", errors)
    with_opportunity = _bool(data.get("create_opportunity", False))
    if with_opportunity:
        clean_text(
            {"opportunity_name": data.get("opportunity_name") or lead.company or lead.display_name},
            "opportunity_name",
            errors,
            max_length=200,
            required=True,
        )
        clean_int(data, "amount", errors, minimum=0)
        clean_close_date(data, "close_date", errors)
    errors.raise_if_any()
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        check_version(locked, expected_version)
        if locked.status == LeadStatus.CONVERTED:
            raise ValidationError({"__all__": [_("This lead has already been converted.")]})
        owner = (
            {"owner_id": locked.owner_id}
            if locked.owner_id != actor.pk and can_assign_to_others(actor)
            else {}
        )
        if contact is not None and account is None:
            account = contact.account
        if account is None and locked.company:
            account = account_create(
                data={"name": locked.company, "industry": locked.industry, "source": "lead", **owner},
                actor=actor,
                ip=ip,
            )
        if contact is None:
            contact = contact_create(
                data={
                    "family_name": locked.family_name,
                    "given_name": locked.given_name,
                    "display_name": locked.display_name,
                    "name_order": locked.name_order,
                    "job_title": locked.job_title,
                    "emails": [locked.email] if locked.email else [],
                    "phones": [locked.phone] if locked.phone else [],
                    "account_id": account.pk if account else None,
                    "source": f"lead:{locked.source}",
                    "notes": locked.notes,
                    "lifecycle_stage": "prospect",
                    **owner,
                },
                actor=actor,
                ip=ip,
            )
        elif locked.notes:
            Contact.objects.filter(pk=contact.pk).update(
                notes=(contact.notes + "\n\n" + locked.notes).strip()[:10_000]
            )
        for flag, channel in (("consent_email", ConsentChannel.EMAIL), ("consent_sms", ConsentChannel.SMS)):
            if getattr(locked, flag):
                consent_record(
                    contact=contact,
                    channel=channel,
                    status=ConsentStatus.GRANTED,
                    purpose=locked.consent_purpose or _("Marketing information"),
                    source=locked.consent_source or str(LeadSource(locked.source).label),
                    recorded_at=locked.consent_at or locked.created_at,
                    actor=actor,
                    ip=ip,
                )
        for event in locked.events.filter(kind=LeadEvent.Kind.ACTIVITY).order_by("at", "pk"):
            copy = activity_create(
                data={
                    "kind": event.activity_kind or ActivityKind.NOTE,
                    "subject": event.subject,
                    "body": event.body,
                    "contact_id": contact.pk,
                    "occurred_at": event.at,
                },
                actor=actor,
                ip=ip,
            )
            LeadEvent.objects.filter(pk=event.pk).update(activity=copy)
        opportunity = None
        if with_opportunity:
            opportunity = opportunity_create(
                data={
                    "name": data.get("opportunity_name") or locked.company or locked.display_name,
                    "account_id": account.pk if account else None,
                    "contact_id": contact.pk,
                    "amount": data.get("amount") or 0,
                    "currency": data.get("currency") or "KRW",
                    "close_date": data.get("close_date") or None,
                    "source": locked.source,
                    "description": locked.notes,
                    **owner,
                },
                actor=actor,
                ip=ip,
            )
        activity_create(
            data={
                "kind": ActivityKind.NOTE,
                "subject": _("Converted from lead #%(id)s: %(name)s")
                % {"id": locked.pk, "name": locked.display_name},
                "body": _("Source: %(source)s. Score: %(score)s.")
                % {"source": LeadSource(locked.source).label, "score": locked.score},
                "contact_id": contact.pk,
            },
            actor=actor,
            ip=ip,
        )
        before = snapshot(locked, ("status",))
        locked.status = LeadStatus.CONVERTED
        locked.converted_account = account
        locked.converted_contact = contact
        locked.converted_opportunity = opportunity
        locked.converted_at = timezone.now()
        locked.converted_by = actor
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        result = {
            "account": account.pk if account else None,
            "contact": contact.pk,
            "opportunity": opportunity.pk if opportunity else None,
        }
        _event(locked, LeadEvent.Kind.CONVERTED, actor, data=result)
        audit(
            actor=actor,
            action="update",
            entity="lead",
            entity_id=locked.pk,
            ip=ip,
            changes={**diff(before, snapshot(locked, ("status",))), "converted": [None, result]},
        )
    return locked


# --- what an admin configures -------------------------------------------------------------------


def require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise PermissionDenied(_("Only administrators may change lead settings."))


def _config_audit(actor: User, action: str, entity: str, obj: Any, changes: dict[str, Any]) -> None:
    audit(actor=actor, action=action, entity=entity, entity_id=obj.pk, changes=changes)


def lead_form_create(*, data: Mapping[str, Any], actor: User) -> LeadForm:
    require_admin(actor)
    errors = Errors()
    name = clean_text({"name": data.get("name")}, "name", errors, max_length=120, required=True) or ""
    owner_id = clean_int({"owner_id": data.get("owner_id")}, "owner_id", errors)
    owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
    if owner is None and "owner_id" not in errors.by_field:
        errors.add("owner_id", _("Choose the user who receives the form's leads when no rule assigns them."))
    team_id = clean_int(data, "team_id", errors)
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    if team_id and team is None:
        errors.add("team_id", _("No such team."))
    source = clean_choice(
        {"source": data.get("source") or LeadSource.WEB_FORM}, "source", errors, LeadSource.values
    )
    campaign = clean_text(data, "campaign", errors, max_length=120) or ""
    purpose = clean_text(data, "consent_purpose", errors, max_length=200) or ""
    thanks = clean_text(data, "thanks_message", errors, max_length=300) or ""
    min_fill = clean_int(data, "min_fill_seconds", errors, minimum=0)
    errors.raise_if_any()
    assert owner is not None
    with transaction.atomic():
        form = LeadForm.objects.create(
            name=name,
            owner=owner,
            team=team,
            source=source or LeadSource.WEB_FORM,
            campaign=campaign,
            consent_purpose=purpose,
            thanks_message=thanks,
            min_fill_seconds=3 if min_fill is None else min_fill,
        )
        _config_audit(
            actor,
            "create",
            "lead_form",
            form,
            {"name": [None, name], "owner": [None, owner.pk if owner else None]},
        )
    return form


def lead_form_set_active(*, form: LeadForm, active: bool, actor: User) -> LeadForm:
    require_admin(actor)
    with transaction.atomic():
        LeadForm.objects.filter(pk=form.pk).update(active=active)
        _config_audit(actor, "update", "lead_form", form, {"active": [form.active, active]})
        form.active = active
    return form


def scoring_rule_create(*, data: Mapping[str, Any], actor: User) -> ScoringRule:
    require_admin(actor)
    errors = Errors()
    label = clean_text({"label": data.get("label")}, "label", errors, max_length=120, required=True) or ""
    field = clean_choice(
        {"field": data.get("field")}, "field", errors, ScoringField.values, allow_blank=False
    )
    operator = clean_choice(
        {"operator": data.get("operator")}, "operator", errors, ScoringOperator.values, allow_blank=False
    )
    value = clean_text(data, "value", errors, max_length=300) or ""
    points = clean_int({"points": data.get("points")}, "points", errors)
    if points is None and "points" not in errors.by_field:
        errors.add("points", _("This field is required."))
    position = clean_int(data, "position", errors, minimum=0) or 0
    if operator in (ScoringOperator.AT_LEAST, ScoringOperator.AT_MOST):
        try:
            float(value)
        except ValueError:
            errors.add("value", _("Enter a number."))
    elif operator in (ScoringOperator.EQUALS, ScoringOperator.CONTAINS) and not value:
        errors.add("value", _("This field is required."))
    errors.raise_if_any()
    with transaction.atomic():
        rule = ScoringRule.objects.create(
            label=label,
            field=field or "",
            operator=operator or "",
            value=value,
            points=points or 0,
            position=position,
        )
        _config_audit(
            actor,
            "create",
            "lead_scoring_rule",
            rule,
            {
                "label": [None, label],
                "field": [None, field],
                "operator": [None, operator],
                "value": [None, value],
                "points": [None, points],
            },
        )
    return rule


def scoring_rule_delete(*, rule: ScoringRule, actor: User) -> None:
    require_admin(actor)
    with transaction.atomic():
        pk = rule.pk
        before = snapshot(rule, ("label", "field", "operator", "value", "points"))
        rule.delete()
        audit(
            actor=actor,
            action="delete",
            entity="lead_scoring_rule",
            entity_id=pk,
            changes={k: [v, None] for k, v in before.items()},
        )


def leads_rescore(*, actor: User | None, open_only: bool = True) -> int:
    """Score the leads again under the current rules and model (after the rules change)."""
    if actor is not None:
        require_admin(actor)
    rules = list(ScoringRule.objects.filter(active=True))
    model = scoring.current_model()
    qs = (
        Lead.objects.filter(status__in=[s for s in LeadStatus.values if s != LeadStatus.CONVERTED])
        if open_only
        else Lead.objects.all()
    )
    counts = dict(
        LeadEvent.objects.filter(kind=LeadEvent.Kind.ACTIVITY)
        .values("lead")
        .annotate(n=Count("id"))
        .values_list("lead", "n")
    )
    done = 0
    batch: list[Lead] = []
    for lead in qs.iterator(chunk_size=2000):
        lead.score, lead.score_reasons, lead.win_probability = scoring.compute(
            lead, rules=rules, model=model or False, activities=counts.get(lead.pk, 0)
        )
        batch.append(lead)
        if len(batch) >= 2000:
            Lead.objects.bulk_update(batch, ["score", "score_reasons", "win_probability"])
            done += len(batch)
            batch = []
    Lead.objects.bulk_update(batch, ["score", "score_reasons", "win_probability"])
    done += len(batch)
    audit(
        actor=actor,
        action="update",
        entity="lead_scores",
        entity_id="all",
        changes={"rescored": [None, done]},
    )
    return done


def leads_rescore_request(*, actor: User, train: bool) -> None:
    """Queue the rescoring of every open lead (and first the learning, with `train`): at a million
    leads it takes minutes, so it runs in the worker."""
    require_admin(actor)
    from inyeon.leads.tasks import leads_rescore_task

    with transaction.atomic():
        audit(
            actor=actor,
            action="create",
            entity="lead_rescore",
            entity_id="all",
            changes={"train": [None, train]},
        )
        transaction.on_commit(lambda: leads_rescore_task.enqueue(train=train, actor_id=actor.pk))


def lead_score_model_train(*, actor: User | None) -> LeadScoreModel | None:
    """Learn from the won/lost history; None (and nothing stored) while there is too little of it."""
    if actor is not None:
        require_admin(actor)
    with transaction.atomic():
        model = scoring.train()
        if model is not None:
            audit(
                actor=actor,
                action="create",
                entity="lead_score_model",
                entity_id=model.pk,
                changes={"outcomes": [None, model.outcomes], "won": [None, model.won]},
            )
    return model


def assignment_rule_create(*, data: Mapping[str, Any], actor: User) -> AssignmentRule:
    require_admin(actor)
    errors = Errors()
    name = clean_text({"name": data.get("name")}, "name", errors, max_length=120, required=True) or ""
    field = clean_choice({"field": data.get("field") or ""}, "field", errors, AssignmentField.values)
    values = clean_text(data, "values", errors, max_length=300) or ""
    if field and not values:
        errors.add("values", _("Name the values this rule takes, separated by commas."))
    strategy = clean_choice(
        {"strategy": data.get("strategy")}, "strategy", errors, AssignmentStrategy.values, allow_blank=False
    )
    team_id = clean_int(data, "team_id", errors)
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    user_id = clean_int(data, "user_id", errors)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if strategy == AssignmentStrategy.USER and user is None:
        errors.add("user_id", _("Choose the user who receives these leads."))
    elif strategy in (AssignmentStrategy.ROUND_ROBIN, AssignmentStrategy.LOAD) and team is None:
        errors.add("team_id", _("Choose the team whose members share these leads."))
    position = clean_int(data, "position", errors, minimum=0)
    errors.raise_if_any()
    with transaction.atomic():
        rule = AssignmentRule.objects.create(
            name=name,
            field=field or "",
            values=values,
            strategy=strategy or "",
            team=team,
            user=user,
            honour_working_hours=_bool(data.get("honour_working_hours", True)),
            position=position if position is not None else AssignmentRule.objects.count() + 1,
        )
        _config_audit(
            actor,
            "create",
            "lead_assignment_rule",
            rule,
            {
                "name": [None, name],
                "field": [None, field],
                "values": [None, values],
                "strategy": [None, strategy],
                "team": [None, team_id],
                "user": [None, user_id],
            },
        )
    return rule


def assignment_rule_delete(*, rule: AssignmentRule, actor: User) -> None:
    require_admin(actor)
    with transaction.atomic():
        pk = rule.pk
        before = snapshot(rule, ("name", "field", "values", "strategy", "team", "user"))
        rule.delete()
        audit(
            actor=actor,
            action="delete",
            entity="lead_assignment_rule",
            entity_id=pk,
            changes={k: [v, None] for k, v in before.items()},
        )


def working_hours_set(*, user: User, data: Mapping[str, Any], actor: User) -> WorkingHours:
    """Set `user`'s working days ("01234", 0 = Monday) and hours ("09:00"-"18:00")."""
    require_admin(actor)
    errors = Errors()
    weekdays = "".join(sorted(set(str(data.get("weekdays") or "").replace(",", "").replace(" ", ""))))
    if not weekdays or any(d not in "0123456" for d in weekdays):
        errors.add("weekdays", _("Give the working days as digits 0-6 (0 = Monday), e.g. 01234."))
    times: dict[str, dt.time] = {}
    for name in ("start", "end"):
        try:
            times[name] = dt.time.fromisoformat(str(data.get(name) or "").strip())
        except ValueError:
            errors.add(name, _("Enter a time as HH:MM."))
    if len(times) == 2 and times["start"] >= times["end"]:
        errors.add("end", _("The end must be after the start."))
    errors.raise_if_any()
    with transaction.atomic():
        hours, _created = WorkingHours.objects.update_or_create(
            user=user, defaults={"weekdays": weekdays, "start": times["start"], "end": times["end"]}
        )
        audit(
            actor=actor,
            action="update",
            entity="working_hours",
            entity_id=user.pk,
            changes={
                "weekdays": [None, weekdays],
                "start": [None, str(times["start"])],
                "end": [None, str(times["end"])],
            },
        )
    return hours
