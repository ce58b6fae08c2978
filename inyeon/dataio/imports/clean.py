"""Turning one row's mapped cells into clean values, per record type. Pure: no database access,
so rows can be cleaned in worker processes. Empty cells are left out (on an update they change
nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from inyeon.customers.choices import Channel, LifecycleStage, NameOrder, OrderChannel, OrderStatus
from inyeon.customers.names import display_name_for
from inyeon.dataio.imports import normalise as n
from inyeon.dataio.imports.normalise import Invalid


@dataclass(frozen=True)
class Options:
    """What a mapping file may add to the column mapping."""

    date_format: str = ""  # strptime format when dates are not in a common form, e.g. "%Y%m%d"
    currency: str = "KRW"  # currency of amounts that do not name one
    create_missing_customers: bool = False  # orders: a customer key with no contact creates one
    customer_name: str = "{key}"  # display name of such a contact
    defaults: dict[str, str] = field(default_factory=dict)  # field -> value for empty cells


@dataclass
class Problem:
    column: str
    value: str
    rule: str


class RowInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _choices(enum: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    spellings = {v.lower(): v for v in enum.values}
    spellings.update({str(label).lower(): v for v, label in enum.choices})
    spellings.update(extra or {})
    return spellings


CHANNELS = _choices(
    Channel,
    {
        "e-mail": "email",
        "이메일": "email",
        "문자": "sms",
        "전화": "phone",
        "우편": "mail",
        "방문": "in_person",
        "대면": "in_person",
    },
)
STAGES = _choices(
    LifecycleStage, {"잠재": "prospect", "신규": "new", "기존": "existing", "핵심": "core", "이탈": "churned"}
)
ORDER_CHANNELS = _choices(
    OrderChannel,
    {
        "온라인": "online",
        "매장": "store",
        "전화": "phone",
        "영업": "sales",
        "파트너": "partner",
        "web": "online",
        "pos": "store",
    },
)
ORDER_STATUSES = _choices(
    OrderStatus,
    {
        "완료": "completed",
        "취소": "cancelled",
        "환불": "refunded",
        "결제": "paid",
        "배송": "shipped",
        "대기": "pending",
    },
)
LANGUAGES = {
    "ko": "ko",
    "en": "en",
    "ja": "ja",
    "zh": "zh",
    "korean": "ko",
    "english": "en",
    "한국어": "ko",
    "영어": "en",
    "japanese": "ja",
    "chinese": "zh",
}
NAME_ORDERS: dict[str, str] = {
    "eastern": "eastern",
    "western": "western",
    "동양식": "eastern",
    "서양식": "western",
}


class Row:
    """The mapped cells of one row: field -> [(column header, raw text)]."""

    def __init__(self, cells: dict[str, list[tuple[str, str]]], options: Options) -> None:
        self.cells = cells
        self.options = options
        self.problems: list[Problem] = []
        self.out: dict[str, Any] = {}

    def raw(self, name: str) -> tuple[str, str] | None:
        for column, value in self.cells.get(name, ()):
            if value.strip():
                return column, value
        default = self.options.defaults.get(name)
        return (name, default) if default else None

    def take(self, name: str, cleaner: Callable[[str], Any], key: str | None = None) -> Any:
        if name not in self.cells and name not in self.options.defaults:
            return None  # most fields are not in a given file: the quick answer
        found = self.raw(name)
        if found is None:
            return None
        column, value = found
        try:
            cleaned = cleaner(value)
        except Invalid as exc:
            self.problems.append(Problem(column, value, exc.rule))
            return None
        self.out[key or name] = cleaned
        return cleaned

    def take_list(self, names: tuple[str, ...], cleaner: Callable[[str], Any], key: str) -> None:
        values: list[Any] = []
        for name in names:
            if name not in self.cells:
                continue
            for column, cell in self.cells[name]:
                for part in n.split_list(cell):
                    try:
                        values.append(cleaner(part))
                    except Invalid as exc:
                        self.problems.append(Problem(column, part, exc.rule))
        if values:
            self.out[key] = list(dict.fromkeys(values))

    def done(self) -> dict[str, Any]:
        if self.problems:
            raise RowInvalid(self.problems)
        return self.out


def _text(max_length: int) -> Callable[[str], str]:
    return lambda v: n.text(v, max_length)


def clean_contact(row: Row) -> dict[str, Any]:
    row.take("id", lambda v: n.whole_number(v, 1))
    for name, max_length in (
        ("external_id", 100),
        ("family_name", 100),
        ("given_name", 100),
        ("display_name", 200),
        ("source", 60),
        ("job_title", 100),
        ("account", 200),
        ("notes", 10000),
        ("owner", 150),
    ):
        row.take(name, _text(max_length))
    full = row.take("full_name", n.full_name)
    if full is not None:
        row.out.pop("full_name")
        row.out.setdefault("family_name", full[0])
        row.out.setdefault("given_name", full[1])
    row.take("name_order", lambda v: n.choice(v, NAME_ORDERS))
    row.take_list(("emails", "emails2"), n.email, "emails")
    row.take_list(("phones", "phones2"), n.phone, "phones")
    row.take_list(("tags",), _text(60), "tags")
    row.take("birth_date", lambda v: n.birth_date(v, row.options.date_format))
    row.take("preferred_channel", lambda v: n.choice(v, CHANNELS))
    row.take("language", lambda v: n.choice(v, LANGUAGES))
    row.take("lifecycle_stage", lambda v: n.choice(v, STAGES))
    out = row.done()
    family, given = out.get("family_name", ""), out.get("given_name", "")
    if family or given:
        hangul = any("\uac00" <= ch <= "\ud7a3" for ch in family + given)
        order = out.get("name_order") or (NameOrder.EASTERN if hangul else NameOrder.WESTERN)
        out["name_order"] = NameOrder(order).value  # the plain text: cheaper to send between processes
        out.setdefault("display_name", display_name_for(family, given, order))
    return out


def clean_account(row: Row) -> dict[str, Any]:
    row.take("id", lambda v: n.whole_number(v, 1))
    for name, max_length in (
        ("external_id", 100),
        ("name", 200),
        ("business_number", 20),
        ("industry", 100),
        ("source", 60),
        ("owner", 150),
    ):
        row.take(name, _text(max_length))
    row.take("website", _website)
    row.take("phone", n.phone)
    row.take("email", n.email)
    row.take_list(("tags",), _text(60), "tags")
    return row.done()


def _website(value: str) -> str:
    url = value.strip()
    if url and "://" not in url:
        url = "https://" + url
    if "." not in url or " " in url or len(url) > 200:
        raise Invalid(_("Not a web address."))
    return url


def clean_product(row: Row) -> dict[str, Any]:
    for name, max_length in (("code", 40), ("name_ko", 200), ("name_en", 200), ("category", 100)):
        row.take(name, _text(max_length))
    currency = row.take("currency", n.currency) or row.options.currency
    price = row.take("unit_price", lambda v: n.money(v, currency))
    if price is not None:
        row.out["unit_price"], row.out["currency"] = price
    row.take("active", n.boolean)
    return row.done()


def clean_order(row: Row) -> dict[str, Any]:
    row.take("external_id", _text(100))
    row.take("customer", _text(100))
    row.take("customer_email", n.email)
    row.take("ordered_at", lambda v: n.date(v, row.options.date_format))
    row.take("quantity", lambda v: n.whole_number(v, 1))
    currency = row.take("currency", n.currency) or row.options.currency
    amount = row.take("amount", lambda v: n.money(v, currency))
    if amount is not None:
        row.out["amount"], row.out["currency"] = amount
    row.take("product", _text(40))
    row.take("channel", lambda v: n.choice(v, ORDER_CHANNELS))
    row.take("status", lambda v: n.choice(v, ORDER_STATUSES))
    out = row.done()
    for needed, label in (("ordered_at", _("order date")), ("amount", _("amount"))):
        if needed not in out:
            raise RowInvalid([Problem(label, "", _("This field is required."))])
    if "customer" not in out and "customer_email" not in out:
        raise RowInvalid([Problem(_("customer key (external id)"), "", _("Give a customer key or e-mail."))])
    return out


LEAD_SOURCES = {
    "web form": "web_form",
    "web": "web_form",
    "웹": "web_form",
    "웹 폼": "web_form",
    "api": "api",
    "import": "import",
    "manual": "manual",
    "referral": "referral",
    "소개": "referral",
    "추천": "referral",
    "event": "event",
    "행사": "event",
    "전시회": "event",
    "other": "other",
    "기타": "other",
}


def clean_lead(row: Row) -> dict[str, Any]:
    """A lead row: names as contacts have them, one e-mail and one phone, the company."""
    for name, max_length in (
        ("family_name", 100),
        ("given_name", 100),
        ("company", 200),
        ("job_title", 100),
        ("industry", 100),
        ("region", 100),
        ("campaign", 120),
        ("notes", 10000),
        ("owner", 150),
    ):
        row.take(name, _text(max_length))
    full = row.take("full_name", n.full_name)
    if full is not None:
        row.out.pop("full_name")
        row.out.setdefault("family_name", full[0])
        row.out.setdefault("given_name", full[1])
    row.take("email", n.email)
    row.take("phone", n.phone)
    row.take("company_size", lambda v: n.whole_number(v, 0))
    row.take("country", _country)
    row.take("source", lambda v: n.choice(v, LEAD_SOURCES))
    out = row.done()
    if "email" not in out and "phone" not in out:
        raise RowInvalid(
            [Problem(_("e-mail"), "", _("Enter an e-mail address or a phone number to reach the lead."))]
        )
    if not (out.get("family_name") or out.get("given_name")):
        raise RowInvalid([Problem(_("full name"), "", _("This field is required."))])
    return out


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise Invalid(_("Use a two-letter ISO country code such as KR."))
    return code


CLEANERS: dict[str, Callable[[Row], dict[str, Any]]] = {
    "contacts": clean_contact,
    "accounts": clean_account,
    "products": clean_product,
    "orders": clean_order,
    "leads": clean_lead,
}
