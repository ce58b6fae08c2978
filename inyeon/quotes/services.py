"""Writes of quotes: create, edit (new version once sent), send, accept (→ order), reject, expire.

Every function checks the actor, validates every field at once (naming each bad one), is atomic and
audited. Status moves are checked against `QUOTE_TRANSITIONS`. The e-mail goes out from a background
task queued after commit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, created_changes, diff, save_with_audit, snapshot
from inyeon.core.models import User
from inyeon.core.visibility import can_manage_tax_rates
from inyeon.customers.choices import ActivityKind
from inyeon.customers.models import Account, Contact, Product
from inyeon.customers.services import (
    activity_create,
    check_version,
    order_create,
    require_writer,
    resolve_owner,
    visible_record,
)
from inyeon.customers.validation import Errors, clean_choice, clean_currency, clean_int, clean_text
from inyeon.quotes import totals
from inyeon.quotes.models import (
    CONTRACT_TRANSITIONS,
    QUOTE_TRANSITIONS,
    Contract,
    ContractStatus,
    DiscountKind,
    Quote,
    QuoteLine,
    QuoteStatus,
    QuoteVersion,
    TaxRate,
)
from inyeon.quotes.pricing import unit_price_for
from inyeon.quotes.selectors import tax_rate_default, tax_rate_in_use
from inyeon.sales.models import Opportunity

QUOTE_AUDIT_FIELDS = (
    "number",
    "opportunity",
    "account",
    "contact",
    "title",
    "currency",
    "language",
    "valid_until",
    "status",
    "notes",
    "terms",
    "current_version",
    "total",
    "order",
    "owner",
    "team",
)
DEFAULT_VALIDITY_DAYS = 30
MAX_LINES = 200


def today() -> dt.date:
    return timezone.localdate()


def clean_day(data: Mapping[str, Any], field: str, errors: Errors) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace(".", "-").replace("/", "-"))
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def parse_discount(value: Any, field: str, errors: Errors) -> tuple[str, int]:
    """'10%' or '12.5%' → a percentage (in basis points); '5000' → an amount in minor units."""
    text = "" if value is None else str(value).strip().replace(",", "")
    if not text or text in ("0", "0%"):
        return DiscountKind.NONE, 0
    if text.endswith("%"):
        bp = totals.parse_percent(text)
        if bp is None:
            errors.add(field, _("Enter a percentage from 0% to 100% with at most two decimals."))
            return DiscountKind.NONE, 0
        return DiscountKind.PERCENT, bp
    try:
        amount = int(text)
    except ValueError:
        errors.add(field, _("Enter an amount in minor units (5000) or a percentage (10%)."))
        return DiscountKind.NONE, 0
    if amount < 0:
        errors.add(field, _("The value must be at least %(n)d.") % {"n": 0})
        return DiscountKind.NONE, 0
    return DiscountKind.AMOUNT, amount


def discount_text(kind: str, value: int) -> str:
    if kind == DiscountKind.PERCENT:
        whole, part = divmod(value, 100)
        return (f"{whole}.{part:02d}".rstrip("0").rstrip(".")) + "%"
    if kind == DiscountKind.AMOUNT:
        return str(value)
    return ""


def _tax_rate(raw: Mapping[str, Any], errors: Errors, field: str) -> TaxRate | None:
    rate_id = raw.get("tax_rate_id")
    code = raw.get("tax_code")
    if rate_id in (None, "") and code in (None, ""):
        return tax_rate_default()
    rates = TaxRate.objects.filter(active=True)
    rate = (
        rates.filter(code=str(code).strip()).first()
        if rate_id in (None, "")
        else rates.filter(pk=int(rate_id)).first()
        if str(rate_id).isdigit()
        else None
    )
    if rate is None:
        errors.add(field, _("No such tax rate."))
    return rate


def _clean_lines(
    raw_lines: Sequence[Any],
    currency: str,
    errors: Errors,
    *,
    account: Account | None,
    contact: Contact | None,
) -> list[QuoteLine]:
    """Lines from input; a row with neither product nor description is a blank row and is skipped."""
    if len(raw_lines) > MAX_LINES:
        errors.add("lines", _("A quote has at most %(n)d lines.") % {"n": MAX_LINES})
        return []
    lines: list[QuoteLine] = []
    for i, raw in enumerate(raw_lines):
        if not isinstance(raw, Mapping):
            errors.add(f"lines[{i}]", _("Enter a line object."))
            continue
        code = str(raw.get("product_code") or "").strip()
        has_product = raw.get("product_id") not in (None, "") or bool(code)
        description = str(raw.get("description") or "").strip()
        if not has_product and not description:
            continue
        sub = Errors()
        product = None
        if code:
            product = Product.objects.filter(code=code, active=True).first()
            if product is None:
                sub.add("product_code", _("No product has this code."))
        elif has_product:
            product_id = clean_int(raw, "product_id", sub)
            product = Product.objects.filter(pk=product_id, active=True).first() if product_id else None
            if product is None and "product_id" not in sub.by_field:
                sub.add("product_id", _("No such product."))
        if len(description) > 200:
            sub.add(
                "description",
                _("Use at most %(n)d characters (it has %(m)d).") % {"n": 200, "m": len(description)},
            )
        quantity = clean_int(raw, "quantity", sub, minimum=1)
        if quantity is None and "quantity" not in sub.by_field:
            quantity = 1
        unit_price = clean_int(raw, "unit_price", sub, minimum=0)
        if unit_price is None and "unit_price" not in sub.by_field:
            price = (
                unit_price_for(product=product, currency=currency, account=account, contact=contact)
                if product is not None
                else None
            )
            if price is None:
                sub.add(
                    "unit_price",
                    _("Enter a unit price: the product has no price in %(c)s.") % {"c": currency}
                    if product is not None
                    else _("This field is required."),
                )
            unit_price = price
        kind, value = parse_discount(raw.get("discount"), "discount", sub)
        rate = _tax_rate(raw, sub, "tax_rate_id")
        for field, messages in sub.by_field.items():
            for message in messages:
                errors.add(f"lines[{i}].{field}", message)
        if sub.by_field:
            continue
        assert rate is not None and unit_price is not None and quantity is not None
        if kind == DiscountKind.AMOUNT and value > quantity * unit_price:
            errors.add(f"lines[{i}].discount", _("The discount is larger than the line amount."))
            continue
        lines.append(
            QuoteLine(
                position=len(lines) + 1,
                product=product,
                description=description or (product.name_ko if product else ""),
                quantity=quantity,
                unit_price=unit_price,
                discount_kind=kind,
                discount_value=value,
                tax_rate=rate,
                tax_rate_bp=rate.rate_bp,
            )
        )
    return lines


def _price(version: QuoteVersion, lines: list[QuoteLine]) -> None:
    """Fill in the lines' and the version's computed amounts (see `inyeon.quotes.totals`)."""
    result = totals.compute(
        [
            totals.LineInput(
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate_bp=line.tax_rate_bp,
                discount_kind=line.discount_kind,
                discount_value=line.discount_value,
            )
            for line in lines
        ],
        version.discount_kind,
        version.discount_value,
    )
    for line, computed in zip(lines, result.lines, strict=True):
        line.gross, line.line_discount, line.net = computed.gross, computed.line_discount, computed.net
    version.subtotal = result.subtotal
    version.discount_total = result.discount_total
    version.tax_total = result.tax_total
    version.total = result.total


def _clean_quote(
    data: Mapping[str, Any], actor: User, errors: Errors, *, creating: bool, quote: Quote | None = None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "opportunity_id" in data or creating:
        opportunity = visible_record(
            Opportunity, "opportunity", data.get("opportunity_id"), actor, "opportunity_id", errors
        )
        fields["opportunity"] = opportunity
    if "account_id" in data or creating:
        fields["account"] = visible_record(
            Account, "account", data.get("account_id"), actor, "account_id", errors
        )
    if "contact_id" in data or creating:
        fields["contact"] = visible_record(
            Contact, "contact", data.get("contact_id"), actor, "contact_id", errors
        )
    opportunity = fields.get("opportunity")
    if opportunity is not None:
        fields["account"] = fields.get("account") or opportunity.account
        fields["contact"] = fields.get("contact") or opportunity.contact
    if fields.get("contact") is not None and fields.get("account") is None:
        fields["account"] = fields["contact"].account
    if (
        creating
        and not errors.by_field
        and not any(fields.get(k) for k in ("opportunity", "account", "contact"))
    ):
        errors.add("account_id", _("A quote belongs to an opportunity, an account or a contact."))
    for name, max_length in (("title", 200), ("notes", 10_000), ("terms", 10_000)):
        value = clean_text(data, name, errors, max_length=max_length)
        if value is not None:
            fields[name] = value
    if "currency" in data or creating:
        default = opportunity.currency if opportunity is not None else "KRW"
        fields["currency"] = clean_currency(str(data.get("currency") or default), "currency", errors)
    if "language" in data and data["language"] not in (None, ""):
        fields["language"] = clean_choice(data, "language", errors, ["ko", "en"], allow_blank=False)
    if "valid_until" in data or creating:
        valid_until = clean_day(data, "valid_until", errors)
        if valid_until is None and "valid_until" not in errors.by_field:
            # Left blank: the default validity from today.
            valid_until = today() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)
        unchanged = quote is not None and valid_until == quote.valid_until
        if valid_until is not None and valid_until < today() and not unchanged:
            errors.add("valid_until", _("The validity date cannot be in the past."))
        fields["valid_until"] = valid_until
    owner = resolve_owner(data, actor, errors)
    if owner is not None:
        fields["owner"], fields["team"] = owner, owner.team
    return fields


def _new_number(prefix: str, pk: int, on: dt.date) -> str:
    return f"{prefix}-{on.year}-{pk:06d}"


def _write_version(
    quote: Quote, version: QuoteVersion, lines: list[QuoteLine], *, replace: bool
) -> QuoteVersion:
    _price(version, lines)
    version.save()
    if replace:
        version.lines.all().delete()
    for line in lines:
        line.version = version
    QuoteLine.objects.bulk_create(lines)
    quote.total = version.total
    return version


def quote_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Quote:
    """A draft quote with its first version (v1) of lines."""
    require_writer(actor)
    errors = Errors()
    fields = _clean_quote(data, actor, errors, creating=True)
    kind, value = parse_discount(data.get("discount"), "discount", errors)
    lines = _clean_lines(
        list(data.get("lines") or []),
        fields.get("currency") or "KRW",
        errors,
        account=fields.get("account"),
        contact=fields.get("contact"),
    )
    errors.raise_if_any()
    fields.setdefault("owner", actor)
    fields.setdefault("team", fields["owner"].team)
    with transaction.atomic():
        quote = Quote.objects.create(number=f"tmp-{uuid.uuid4().hex[:16]}", **fields)
        quote.number = _new_number("Q", quote.pk, quote.created_at.date())
        version = QuoteVersion(
            quote=quote, number=1, discount_kind=kind, discount_value=value, created_by=actor
        )
        _write_version(quote, version, lines, replace=False)
        quote.save(update_fields=["number", "total"])
        audit(
            actor=actor,
            action="create",
            entity="quote",
            entity_id=quote.pk,
            ip=ip,
            changes={
                **created_changes(quote, QUOTE_AUDIT_FIELDS),
                "lines": [None, len(lines)],
            },
        )
    return quote


def _move(quote: Quote, to: str) -> None:
    if to not in QUOTE_TRANSITIONS[quote.status]:
        raise ValidationError(
            {
                "status": [
                    _("A %(from)s quote cannot become %(to)s.")
                    % {"from": QuoteStatus(quote.status).label, "to": QuoteStatus(to).label}
                ]
            }
        )
    quote.status = to


def quote_update(
    *,
    quote: Quote,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Quote:
    """Change the header fields and/or the lines present in `data`.

    New lines (or a new quote discount) for a quote whose current version was sent start the next
    version, and the quote is a draft again until it is sent; the sent versions stay as they were.
    """
    require_writer(actor)
    errors = Errors()
    fields = _clean_quote(data, actor, errors, creating=False, quote=quote)
    lines_given = "lines" in data or "discount" in data
    if (fields or lines_given) and quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        errors.add("status", _("An accepted, rejected or expired quote cannot be changed."))
    current = quote.versions.get(number=quote.current_version)
    currency = fields.get("currency", quote.currency)
    if "currency" in fields and fields["currency"] != quote.currency and "lines" not in data:
        errors.add("currency", _("Enter the lines again when changing the currency."))
    lines: list[QuoteLine] = []
    kind, value = current.discount_kind, current.discount_value
    if lines_given:
        if "discount" in data:
            kind, value = parse_discount(data.get("discount"), "discount", errors)
        if "lines" in data:
            lines = _clean_lines(
                list(data.get("lines") or []),
                currency,
                errors,
                account=fields.get("account", quote.account),
                contact=fields.get("contact", quote.contact),
            )
        else:
            lines = [_copy_line(line) for line in current.lines.order_by("position")]
    errors.raise_if_any()
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, QUOTE_AUDIT_FIELDS)
        for name, field_value in fields.items():
            setattr(locked, name, field_value)
        if lines_given:
            if locked.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
                raise ValidationError(
                    {"status": [_("An accepted, rejected or expired quote cannot be changed.")]}
                )
            version = locked.versions.get(number=locked.current_version)
            if version.sent_at is not None:
                version = QuoteVersion(
                    quote=locked,
                    number=version.number + 1,
                    created_by=actor,
                    discount_kind=kind,
                    discount_value=value,
                )
                locked.current_version = version.number
                _write_version(locked, version, lines, replace=False)
                if locked.status == QuoteStatus.SENT:
                    _move(locked, QuoteStatus.DRAFT)
            else:
                version.discount_kind, version.discount_value = kind, value
                _write_version(locked, version, lines, replace=True)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        changes = diff(before, snapshot(locked, QUOTE_AUDIT_FIELDS))
        if lines_given:
            changes["lines"] = [None, len(lines)]
        audit(actor=actor, action="update", entity="quote", entity_id=locked.pk, changes=changes, ip=ip)
    return locked


def _copy_line(line: QuoteLine) -> QuoteLine:
    return QuoteLine(
        position=line.position,
        product_id=line.product_id,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_kind=line.discount_kind,
        discount_value=line.discount_value,
        tax_rate_id=line.tax_rate_id,
        tax_rate_bp=line.tax_rate_bp,
    )


def quote_delete(*, quote: Quote, actor: User, ip: str | None = None) -> None:
    """Only a draft that was never sent can be deleted; the rest is history."""
    require_writer(actor)
    if quote.status != QuoteStatus.DRAFT or quote.sent_at is not None:
        raise ValidationError({"status": [_("Only a draft that was never sent can be deleted.")]})
    with transaction.atomic():
        before = snapshot(quote, QUOTE_AUDIT_FIELDS)
        pk = quote.pk
        quote.delete()
        audit(
            actor=actor,
            action="delete",
            entity="quote",
            entity_id=pk,
            ip=ip,
            changes={k: [v, None] for k, v in before.items()},
        )


def quote_recipient(quote: Quote) -> str:
    if quote.contact is not None and quote.contact.primary_email:
        return quote.contact.primary_email
    if quote.account is not None and quote.account.email:
        return quote.account.email
    return ""


def _refuse_if_lapsed(quote: Quote) -> None:
    if quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT) and quote.valid_until < today():
        raise ValidationError({"valid_until": [_("The quote expired on %(d)s.") % {"d": quote.valid_until}]})


def quote_send(*, quote: Quote, actor: User, ip: str | None = None) -> Quote:
    """Send the current version to the contact by e-mail (PDF attached) from a background task.

    A quote is a transactional message, so marketing consent does not apply. Each version is sent
    once: sending it again is refused (edit the quote to make the next version).
    """
    from inyeon.quotes.tasks import quote_email_task

    require_writer(actor)
    with transaction.atomic():
        locked = (
            Quote.objects.select_for_update(of=("self",))
            .select_related("contact", "account")
            .get(pk=quote.pk)
        )
        _refuse_if_lapsed(locked)
        if locked.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            _move(locked, QuoteStatus.SENT)
        version = locked.versions.get(number=locked.current_version)
        if version.sent_at is not None:
            raise ValidationError(
                {
                    "status": [
                        _("Version %(v)d was already sent; edit the quote to make the next version.")
                        % {"v": version.number}
                    ]
                }
            )
        if not version.lines.exists():
            raise ValidationError({"lines": [_("Add at least one line before sending the quote.")]})
        recipient = quote_recipient(locked)
        if not recipient:
            raise ValidationError(
                {"contact_id": [_("The quote's contact (or account) has no e-mail address.")]}
            )
        before = snapshot(locked, QUOTE_AUDIT_FIELDS)
        now = timezone.now()
        _move(locked, QuoteStatus.SENT)
        locked.sent_at = now
        locked.version += 1
        locked.updated_at = now
        locked.save()
        version.sent_at = now
        version.save(update_fields=["sent_at"])
        activity_create(
            data={
                "kind": ActivityKind.EMAIL,
                "subject": _("Quote %(n)s (v%(v)d) sent") % {"n": locked.number, "v": version.number},
                "body": locked.title,
                "contact_id": locked.contact_id,
                "account_id": _account_unless_contact(locked),
            },
            actor=actor,
            ip=ip,
        )
        changes = diff(before, snapshot(locked, QUOTE_AUDIT_FIELDS))
        changes["sent_version"] = [None, version.number]
        audit(actor=actor, action="update", entity="quote", entity_id=locked.pk, changes=changes, ip=ip)
        quote_id, number, actor_id = locked.pk, version.number, actor.pk
        transaction.on_commit(lambda: quote_email_task.enqueue(quote_id, number, actor_id))
    return locked


def quote_accept(*, quote: Quote, actor: User, ip: str | None = None) -> Quote:
    """Accept the quote and create its order (once): a second accept is refused."""
    require_writer(actor)
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        if locked.order_id is not None or locked.status == QuoteStatus.ACCEPTED:
            raise ValidationError({"status": [_("This quote was already accepted.")]})
        _refuse_if_lapsed(locked)
        before = snapshot(locked, QUOTE_AUDIT_FIELDS)
        _move(locked, QuoteStatus.ACCEPTED)
        version = locked.versions.get(number=locked.current_version)
        lines = list(version.lines.order_by("position"))
        if not lines:
            raise ValidationError({"lines": [_("A quote without lines cannot be accepted.")]})
        order = order_create(
            data={
                "contact_id": locked.contact_id,
                "account_id": _account_unless_contact(locked),
                "currency": locked.currency,
                "channel": "sales",
                "status": "pending",
                "number": locked.number,
                "external_id": f"{locked.number}/v{version.number}",
                "total_amount": version.total,
                "lines": [
                    {
                        "product_id": line.product_id,
                        "quantity": line.quantity,
                        # The discounted unit price, so that the order's lines add up to its net.
                        "unit_price": line.net // line.quantity,
                        "description": line.description,
                    }
                    for line in lines
                ],
            },
            actor=actor,
            ip=ip,
        )
        now = timezone.now()
        locked.order = order
        locked.decided_at = now
        save_with_audit(locked, before, QUOTE_AUDIT_FIELDS, actor=actor, entity="quote", ip=ip, now=now)
    return locked


def quote_reject(*, quote: Quote, actor: User, ip: str | None = None) -> Quote:
    require_writer(actor)
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        before = snapshot(locked, QUOTE_AUDIT_FIELDS)
        _move(locked, QuoteStatus.REJECTED)
        now = timezone.now()
        locked.decided_at = now
        save_with_audit(locked, before, QUOTE_AUDIT_FIELDS, actor=actor, entity="quote", ip=ip, now=now)
    return locked


def quotes_expire(*, on: dt.date | None = None) -> int:
    """Daily job: draft and sent quotes past their validity date become expired. Idempotent."""
    day = on or today()
    expired = 0
    ids = list(
        Quote.objects.filter(
            status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT], valid_until__lt=day
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            locked = Quote.objects.select_for_update().get(pk=pk)
            if locked.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT) or locked.valid_until >= day:
                continue
            old = locked.status
            locked.status = QuoteStatus.EXPIRED
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save(update_fields=["status", "version", "updated_at"])
            audit(
                actor=None,
                action="update",
                entity="quote",
                entity_id=pk,
                changes={"status": [old, QuoteStatus.EXPIRED]},
            )
            expired += 1
    return expired


def quote_email_record(*, quote: Quote, version: int, recipient: str, actor: User | None) -> None:
    """The task's audit row once the mail server took the message."""
    audit(
        actor=actor,
        action="update",
        entity="quote_email",
        entity_id=quote.pk,
        changes={"version": [None, version], "recipient_domain": [None, recipient.rpartition("@")[2]]},
    )


# Contracts ------------------------------------------------------------------------------------

CONTRACT_AUDIT_FIELDS = (
    "number",
    "title",
    "account",
    "contact",
    "quote",
    "opportunity",
    "start_date",
    "end_date",
    "value",
    "currency",
    "auto_renew",
    "renewal_months",
    "notice_days",
    "status",
    "previous",
    "owner",
    "team",
)


def reminder_lead_days() -> int:
    """How many days before the notice deadline the renewal reminder task is due."""
    return int(getattr(settings, "INYEON_RENEWAL_REMINDER_DAYS", 14))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def notice_deadline(contract: Contract) -> dt.date:
    """The last day on which notice (not to renew, or to renew) can be given."""
    return contract.end_date - dt.timedelta(days=contract.notice_days)


def reminder_due(contract: Contract) -> dt.date:
    return notice_deadline(contract) - dt.timedelta(days=reminder_lead_days())


def _clean_contract(
    data: Mapping[str, Any], actor: User, errors: Errors, *, creating: bool, contract: Contract | None = None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, model, record_type in (
        ("account", Account, "account"),
        ("contact", Contact, "contact"),
        ("opportunity", Opportunity, "opportunity"),
        ("quote", Quote, "quote"),
    ):
        if f"{name}_id" in data or creating:
            fields[name] = visible_record(
                model, record_type, data.get(f"{name}_id"), actor, f"{name}_id", errors
            )
    source_quote: Quote | None = fields.get("quote")
    if source_quote is not None:
        fields["account"] = fields.get("account") or source_quote.account
        fields["contact"] = fields.get("contact") or source_quote.contact
        fields["opportunity"] = fields.get("opportunity") or source_quote.opportunity
    if fields.get("contact") is not None and fields.get("account") is None:
        fields["account"] = fields["contact"].account
    if creating and not errors.by_field and not (fields.get("account") or fields.get("contact")):
        errors.add("account_id", _("A contract belongs to an account or a contact."))
    if "title" in data or creating:
        fields["title"] = clean_text(
            {"title": data.get("title")}, "title", errors, max_length=200, required=True
        )
    for name in ("start_date", "end_date"):
        if name in data or creating:
            day = clean_day(data, name, errors)
            if day is None and name not in errors.by_field:
                errors.add(name, _("This field is required."))
            fields[name] = day
    start = fields.get("start_date", contract.start_date if contract else None)
    end = fields.get("end_date", contract.end_date if contract else None)
    if start and end and end < start:
        errors.add("end_date", _("The end date cannot be before the start date."))
    if "value" in data or creating:
        fields["value"] = clean_int(data, "value", errors, minimum=0) or 0
    if "currency" in data or creating:
        default = source_quote.currency if source_quote is not None else "KRW"
        fields["currency"] = clean_currency(str(data.get("currency") or default), "currency", errors)
    if "auto_renew" in data:
        fields["auto_renew"] = str(data["auto_renew"]).lower() in ("1", "true", "on", "yes")
    for name, low, high in (("renewal_months", 1, 120), ("notice_days", 0, 365)):
        if name in data and data[name] not in (None, ""):
            number = clean_int(data, name, errors, minimum=low)
            if number is not None and number > high:
                errors.add(name, _("The value must be at most %(n)d.") % {"n": high})
            fields[name] = number
    if creating:
        status = clean_choice(
            {"status": data.get("status") or ContractStatus.ACTIVE},
            "status",
            errors,
            [ContractStatus.DRAFT, ContractStatus.ACTIVE],
            allow_blank=False,
        )
        fields["status"] = status
    owner = resolve_owner(data, actor, errors)
    if owner is not None:
        fields["owner"], fields["team"] = owner, owner.team
    return fields


def contract_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Contract:
    require_writer(actor)
    errors = Errors()
    fields = _clean_contract(data, actor, errors, creating=True)
    errors.raise_if_any()
    fields.setdefault("owner", actor)
    fields.setdefault("team", fields["owner"].team)
    fields = {
        k: v
        for k, v in fields.items()
        if v is not None or k in ("account", "contact", "quote", "opportunity")
    }
    with transaction.atomic():
        contract = Contract.objects.create(number=f"tmp-{uuid.uuid4().hex[:16]}", **fields)
        contract.number = _new_number("C", contract.pk, contract.created_at.date())
        contract.save(update_fields=["number"])
        audit(
            actor=actor,
            action="create",
            entity="contract",
            entity_id=contract.pk,
            ip=ip,
            changes=created_changes(contract, CONTRACT_AUDIT_FIELDS),
        )
    return contract


def _contract_move(contract: Contract, to: str) -> None:
    if to not in CONTRACT_TRANSITIONS[contract.status]:
        raise ValidationError(
            {
                "status": [
                    _("A %(from)s contract cannot become %(to)s.")
                    % {"from": ContractStatus(contract.status).label, "to": ContractStatus(to).label}
                ]
            }
        )
    contract.status = to


def contract_update(
    *,
    contract: Contract,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Contract:
    """Change the fields in `data`; `status` may move draft → active only (renew and terminate have
    their own functions)."""
    require_writer(actor)
    errors = Errors()
    fields = _clean_contract(data, actor, errors, creating=False, contract=contract)
    new_status = None
    if data.get("status") not in (None, "", contract.status):
        new_status = clean_choice(data, "status", errors, [ContractStatus.ACTIVE], allow_blank=False)
    if contract.status in (ContractStatus.RENEWED, ContractStatus.TERMINATED) and (fields or new_status):
        errors.add("status", _("A renewed or terminated contract cannot be changed."))
    errors.raise_if_any()
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        check_version(locked, expected_version)
        before = snapshot(locked, CONTRACT_AUDIT_FIELDS)
        for name, value in fields.items():
            if value is not None or name in ("account", "contact", "quote", "opportunity"):
                setattr(locked, name, value)
        if new_status:
            _contract_move(locked, new_status)
        if {"end_date", "notice_days"} & fields.keys() and locked.reminder_id is not None:
            # The term's dates moved: the next daily run makes a reminder for the new deadline.
            locked.reminder = None
        save_with_audit(locked, before, CONTRACT_AUDIT_FIELDS, actor=actor, entity="contract", ip=ip)
    return locked


def contract_renew(*, contract: Contract, actor: User | None, ip: str | None = None) -> Contract:
    """The next term: a new active contract from the day after the end, linked to this one, which
    becomes `renewed`. Refused when it was renewed already."""
    if actor is not None:
        require_writer(actor)
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if Contract.objects.filter(previous=locked).exists():
            raise ValidationError({"status": [_("This contract was already renewed.")]})
        before = snapshot(locked, CONTRACT_AUDIT_FIELDS)
        _contract_move(locked, ContractStatus.RENEWED)
        now = timezone.now()
        locked.ended_at = now
        locked.version += 1
        locked.updated_at = now
        locked.save()
        start = locked.end_date + dt.timedelta(days=1)
        renewal = Contract.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            title=locked.title,
            account=locked.account,
            contact=locked.contact,
            quote=locked.quote,
            opportunity=locked.opportunity,
            start_date=start,
            end_date=add_months(start, locked.renewal_months) - dt.timedelta(days=1),
            value=locked.value,
            currency=locked.currency,
            auto_renew=locked.auto_renew,
            renewal_months=locked.renewal_months,
            notice_days=locked.notice_days,
            status=ContractStatus.ACTIVE,
            previous=locked,
            owner=locked.owner,
            team=locked.team,
        )
        renewal.number = _new_number("C", renewal.pk, renewal.created_at.date())
        renewal.save(update_fields=["number"])
        audit(
            actor=actor,
            action="update",
            entity="contract",
            entity_id=locked.pk,
            ip=ip,
            changes=diff(before, snapshot(locked, CONTRACT_AUDIT_FIELDS)),
        )
        audit(
            actor=actor,
            action="create",
            entity="contract",
            entity_id=renewal.pk,
            ip=ip,
            changes=created_changes(renewal, CONTRACT_AUDIT_FIELDS),
        )
    return renewal


def contract_terminate(*, contract: Contract, actor: User, ip: str | None = None) -> Contract:
    require_writer(actor)
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        before = snapshot(locked, CONTRACT_AUDIT_FIELDS)
        _contract_move(locked, ContractStatus.TERMINATED)
        now = timezone.now()
        locked.ended_at = now
        save_with_audit(locked, before, CONTRACT_AUDIT_FIELDS, actor=actor, entity="contract", ip=ip, now=now)
    return locked


def contracts_roll_over(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily job: active contracts past their end date renew (auto-renew) or expire. Idempotent."""
    day = on or today()
    counts = {"renewed": 0, "expired": 0}
    for pk in Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__lt=day).values_list(
        "pk", flat=True
    ):
        contract = Contract.objects.get(pk=pk)
        if contract.auto_renew:
            contract_renew(contract=contract, actor=None)
            counts["renewed"] += 1
            continue
        with transaction.atomic():
            locked = Contract.objects.select_for_update().get(pk=pk)
            if locked.status != ContractStatus.ACTIVE:
                continue
            locked.status = ContractStatus.EXPIRED
            locked.ended_at = timezone.now()
            locked.version += 1
            locked.save(update_fields=["status", "ended_at", "version"])
            audit(
                actor=None,
                action="update",
                entity="contract",
                entity_id=pk,
                changes={"status": [ContractStatus.ACTIVE, ContractStatus.EXPIRED]},
            )
            counts["expired"] += 1
    return counts


REMINDER_HORIZON_DAYS = 30


def contract_reminders_create(*, on: dt.date | None = None) -> int:
    """Daily job: a renewal reminder task for each active contract whose reminder falls due within
    the next 30 days; one per contract term (the contract remembers its task), so reruns add none.

    The task is owned by the contract's owner and due `INYEON_RENEWAL_REMINDER_DAYS` (14) days before
    the notice deadline (end date − notice period).
    """
    day = on or today()
    latest_end = day + dt.timedelta(days=REMINDER_HORIZON_DAYS + reminder_lead_days() + 365)
    created = 0
    candidates = Contract.objects.filter(
        status=ContractStatus.ACTIVE, reminder__isnull=True, end_date__lte=latest_end
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            locked = Contract.objects.select_for_update().get(pk=pk)  # no join: see sales._locked
            if locked.reminder_id is not None or locked.status != ContractStatus.ACTIVE:
                continue
            due = reminder_due(locked)
            if due > day + dt.timedelta(days=REMINDER_HORIZON_DAYS):
                continue
            subject = _("Renewal: %(n)s %(t)s, notice by %(d)s") % {
                "n": locked.number,
                "t": locked.title,
                "d": notice_deadline(locked).isoformat(),
            }
            try:
                activity = activity_create(
                    data={
                        "kind": ActivityKind.TASK,
                        "subject": subject[:200],
                        "body": _("Contract ends on %(d)s; it renews automatically: %(a)s.")
                        % {"d": locked.end_date.isoformat(), "a": _("yes") if locked.auto_renew else _("no")},
                        "contact_id": locked.contact_id,
                        "account_id": _account_unless_contact(locked),
                        "due_at": dt.datetime.combine(max(due, day), dt.time(9, 0)),
                    },
                    actor=locked.owner,
                )
            except (ValidationError, PermissionDenied):
                # The owner may no longer write or see the customer: leave it for the next run.
                continue
            locked.reminder = activity
            locked.save(update_fields=["reminder"])
            created += 1
    return created


def daily_jobs(*, on: dt.date | None = None) -> dict[str, int]:
    return {
        "quotes_expired": quotes_expire(on=on),
        **contracts_roll_over(on=on),
        "reminders": contract_reminders_create(on=on),
    }


def contract_delete(*, contract: Contract, actor: User, ip: str | None = None) -> None:
    """Only a draft can be deleted; an active or ended contract is history."""
    require_writer(actor)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft contract can be deleted.")]})
    with transaction.atomic():
        before = snapshot(contract, CONTRACT_AUDIT_FIELDS)
        pk = contract.pk
        contract.delete()
        audit(
            actor=actor,
            action="delete",
            entity="contract",
            entity_id=pk,
            ip=ip,
            changes={k: [v, None] for k, v in before.items()},
        )


def _account_unless_contact(record: Quote | Contract) -> int | None:
    """The account id to hand to customers' services, which take the account from the contact when
    there is one (the contact's account may belong to someone the actor cannot see)."""
    return None if record.contact_id else record.account_id


# --- tax rates (admins) ---------------------------------------------------------------------------

TAX_RATE_AUDIT_FIELDS = ("code", "label_ko", "label_en", "rate_bp", "is_default", "active")
MAX_RATE_BP = 10000


def _flag(data: Mapping[str, Any], field: str, current: bool) -> bool:
    if field not in data or data[field] is None:
        return current
    value = data[field]
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def tax_rate_save(
    *, rate: TaxRate | None, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> TaxRate:
    """Create (`rate=None`) or edit a tax rate; admins only, every bad field named at once, audited.

    The code is unique; the rate is 0–10000 basis points; exactly one rate is the default, and it is
    active (making a rate the default unsets the old one; the default itself cannot be unset or
    retired: make another one the default first). A rate that quote lines use can be retired but its
    rate never changes (lines keep the rate they were written with in `QuoteLine.tax_rate_bp`
    anyway; add a new rate instead). Rates are never deleted."""
    if not can_manage_tax_rates(actor):
        raise PermissionDenied(_("Only administrators may change tax rates."))
    errors = Errors()
    code = clean_text(
        {"code": data.get("code", rate.code if rate else None)}, "code", errors, max_length=20, required=True
    )
    label_ko = clean_text(
        {"label_ko": data.get("label_ko", rate.label_ko if rate else None)},
        "label_ko",
        errors,
        max_length=100,
        required=True,
    )
    label_en = clean_text(data, "label_en", errors, max_length=100)
    rate_bp = clean_int(
        {"rate_bp": data.get("rate_bp", rate.rate_bp if rate else None)}, "rate_bp", errors, minimum=0
    )
    if rate_bp is None and "rate_bp" not in errors.by_field:
        errors.add("rate_bp", _("This field is required."))
    elif rate_bp is not None and rate_bp > MAX_RATE_BP:
        errors.add("rate_bp", _("A rate is at most 10000 basis points (100%)."))
    same_code = TaxRate.objects.filter(code=code)
    if rate is not None:
        same_code = same_code.exclude(pk=rate.pk)
    if code and same_code.exists():
        errors.add("code", _("Another tax rate already has this code."))
    if rate is not None and rate_bp is not None and rate_bp != rate.rate_bp and tax_rate_in_use(rate):
        errors.add(
            "rate_bp",
            _("Quote lines use this tax rate; its rate cannot change. Retire it and add a new one."),
        )
    is_default = _flag(data, "is_default", rate.is_default if rate else False)
    active = _flag(data, "active", rate.active if rate else True)
    if is_default and not active:
        errors.add("active", _("The default tax rate must be active; make another rate the default first."))
    if rate is not None and rate.is_default and not is_default:
        errors.add("is_default", _("There is always one default tax rate: make another rate the default."))
    errors.raise_if_any()
    with transaction.atomic():
        # Lock the current default so two admins making different rates the default end with one.
        defaults = TaxRate.objects.select_for_update().filter(is_default=True)
        others = list(defaults if rate is None else defaults.exclude(pk=rate.pk))
        if not is_default and not others:
            raise ValidationError(
                {"is_default": [_("There is no default tax rate yet: make this one the default.")]}
            )
        before = snapshot(rate, TAX_RATE_AUDIT_FIELDS) if rate else {}
        if rate is None:
            rate = TaxRate()
        rate.code = code or ""
        rate.label_ko = label_ko or ""
        if label_en is not None:
            rate.label_en = label_en
        rate.rate_bp = rate_bp or 0
        rate.is_default = is_default
        rate.active = active
        if is_default:
            for old in others:
                old_before = snapshot(old, TAX_RATE_AUDIT_FIELDS)
                old.is_default = False
                old.save(update_fields=["is_default"])
                audit(
                    actor=actor,
                    action="update",
                    entity="tax_rate",
                    entity_id=old.pk,
                    changes=diff(old_before, snapshot(old, TAX_RATE_AUDIT_FIELDS)),
                    ip=ip,
                )
        rate.save()
        audit(
            actor=actor,
            action="update" if before else "create",
            entity="tax_rate",
            entity_id=rate.pk,
            changes=diff(before, snapshot(rate, TAX_RATE_AUDIT_FIELDS)),
            ip=ip,
        )
    return rate
