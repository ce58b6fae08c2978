"""The fields each record type imports into, their labels, and the column headers that map to
them on their own: English as other CRMs and spreadsheets export them, and Korean."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise | str
    aliases: tuple[str, ...] = ()
    multiple: bool = False  # one cell may hold several values: "a@x.kr; b@y.kr"


def header_key(header: str) -> str:
    """'E-mail Address' -> 'emailaddress'; '휴대폰 번호' -> '휴대폰번호'."""
    return re.sub(r"[\s_\-./()]+", "", header.strip().lower())


CONTACT_FIELDS = (
    Field("id", _("Inyeon id"), ("id", "inyeon id", "인연 id")),
    Field(
        "external_id",
        _("external id"),
        (
            "external id",
            "contact id",
            "record id",
            "customer id",
            "customer no",
            "고객번호",
            "고객 id",
            "회원번호",
        ),
    ),
    Field(
        "full_name",
        _("full name"),
        ("name", "full name", "contact name", "성명", "고객명", "성함", "이름 전체"),
    ),
    Field("family_name", _("family name"), ("last name", "surname", "family name", "lastname", "성")),
    Field("given_name", _("given name"), ("first name", "given name", "firstname", "이름")),
    Field("display_name", _("display name"), ("display name", "표시 이름")),
    Field("name_order", _("name order"), ("name order", "이름 순서")),
    Field(
        "emails",
        _("e-mail"),
        (
            "email",
            "e-mail",
            "emails",
            "email address",
            "e-mail address",
            "primary email",
            "이메일",
            "메일",
            "이메일 주소",
            "전자우편",
        ),
        multiple=True,
    ),
    Field(
        "emails2",
        _("other e-mail"),
        (
            "other email",
            "secondary email",
            "email 2",
            "work email",
            "personal email",
            "보조 이메일",
            "회사 이메일",
        ),
        multiple=True,
    ),
    Field(
        "phones",
        _("phone"),
        (
            "phone",
            "phones",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "phone number",
            "휴대폰",
            "휴대전화",
            "핸드폰",
            "휴대폰 번호",
            "전화번호",
            "연락처",
        ),
        multiple=True,
    ),
    Field(
        "phones2",
        _("other phone"),
        (
            "work phone",
            "home phone",
            "business phone",
            "other phone",
            "office phone",
            "직장 전화",
            "회사 전화",
            "집 전화",
            "유선전화",
        ),
        multiple=True,
    ),
    Field(
        "birth_date",
        _("birth date"),
        ("birth date", "birthday", "date of birth", "dob", "birthdate", "생년월일", "생일"),
    ),
    Field("preferred_channel", _("preferred channel"), ("preferred channel", "선호 채널", "선호 연락 방법")),
    Field("language", _("language"), ("language", "언어")),
    Field("tags", _("tags"), ("tags", "tag", "labels", "태그"), multiple=True),
    Field(
        "source", _("source"), ("source", "lead source", "contact source", "유입 경로", "출처", "가입 경로")
    ),
    Field("job_title", _("job title"), ("title", "job title", "position", "직함", "직책", "직위")),
    Field(
        "account",
        _("account (company name)"),
        (
            "company",
            "account",
            "account name",
            "company name",
            "organization",
            "organisation",
            "회사",
            "회사명",
            "거래처",
            "소속",
        ),
    ),
    Field("notes", _("notes"), ("notes", "note", "description", "memo", "comments", "메모", "비고", "설명")),
    Field("lifecycle_stage", _("lifecycle stage"), ("lifecycle stage", "stage", "고객 단계")),
    Field("owner", _("owner (user name)"), ("owner", "contact owner", "assigned to", "담당자")),
)

ACCOUNT_FIELDS = (
    Field("id", _("Inyeon id"), ("id", "inyeon id", "인연 id")),
    Field(
        "external_id",
        _("external id"),
        ("external id", "account id", "company id", "record id", "거래처 코드", "거래처번호"),
    ),
    Field(
        "name",
        _("name"),
        (
            "name",
            "account name",
            "company",
            "company name",
            "organization",
            "회사명",
            "거래처명",
            "회사",
            "상호",
        ),
    ),
    Field(
        "business_number",
        _("business registration number"),
        ("business number", "business registration number", "사업자등록번호", "사업자번호"),
    ),
    Field("industry", _("industry"), ("industry", "업종", "산업")),
    Field("website", _("website"), ("website", "web site", "url", "홈페이지", "웹사이트")),
    Field("phone", _("phone"), ("phone", "phone number", "main phone", "전화", "전화번호", "대표전화")),
    Field("email", _("e-mail"), ("email", "e-mail", "이메일")),
    Field("source", _("source"), ("source", "출처")),
    Field("tags", _("tags"), ("tags", "태그"), multiple=True),
    Field("owner", _("owner (user name)"), ("owner", "account owner", "담당자")),
)

PRODUCT_FIELDS = (
    Field("code", _("code"), ("code", "product code", "sku", "item code", "상품코드", "제품코드", "품번")),
    Field("name_ko", _("name (Korean)"), ("name", "product name", "name ko", "상품명", "제품명", "품명")),
    Field("name_en", _("name (English)"), ("name en", "english name", "영문명", "영문 상품명")),
    Field("category", _("category"), ("category", "product category", "분류", "카테고리", "상품 분류")),
    Field("unit_price", _("unit price"), ("price", "unit price", "list price", "단가", "가격", "판매가")),
    Field("currency", _("currency"), ("currency", "통화")),
    Field("active", _("active"), ("active", "is active", "사용", "판매 여부", "활성")),
)

ORDER_FIELDS = (
    Field(
        "external_id",
        _("order id"),
        ("order id", "order number", "order no", "external id", "주문번호", "주문 id"),
    ),
    Field(
        "customer",
        _("customer key (external id)"),
        (
            "customer id",
            "customer",
            "customer key",
            "customer no",
            "member id",
            "고객번호",
            "회원번호",
            "고객 id",
        ),
    ),
    Field(
        "customer_email", _("customer e-mail"), ("email", "customer email", "e-mail", "이메일", "고객 이메일")
    ),
    Field(
        "ordered_at",
        _("order date"),
        (
            "date",
            "order date",
            "ordered at",
            "purchase date",
            "주문일",
            "주문일자",
            "구매일",
            "구매일자",
            "결제일",
        ),
    ),
    Field("quantity", _("quantity"), ("quantity", "qty", "items", "number of items", "수량", "구매수량")),
    Field(
        "amount",
        _("amount"),
        (
            "amount",
            "total",
            "order total",
            "total amount",
            "price",
            "금액",
            "결제금액",
            "주문금액",
            "구매금액",
        ),
    ),
    Field("currency", _("currency"), ("currency", "통화")),
    Field(
        "product", _("product code"), ("product", "product code", "sku", "item code", "상품코드", "제품코드")
    ),
    Field("channel", _("channel"), ("channel", "sales channel", "채널", "판매 채널", "구매 채널")),
    Field("status", _("status"), ("status", "order status", "상태", "주문 상태")),
)

LEAD_FIELDS = (
    Field(
        "full_name",
        _("full name"),
        ("name", "full name", "lead name", "contact name", "성명", "이름 전체", "고객명", "성함"),
    ),
    Field("family_name", _("family name"), ("last name", "surname", "family name", "lastname", "성")),
    Field("given_name", _("given name"), ("first name", "given name", "firstname", "이름")),
    Field(
        "email",
        _("e-mail"),
        ("email", "e-mail", "email address", "e-mail address", "이메일", "메일", "이메일 주소"),
    ),
    Field(
        "phone",
        _("phone"),
        (
            "phone",
            "mobile",
            "mobile phone",
            "phone number",
            "휴대폰",
            "휴대전화",
            "핸드폰",
            "전화번호",
            "연락처",
        ),
    ),
    Field(
        "company",
        _("company"),
        ("company", "company name", "organization", "organisation", "회사", "회사명", "소속"),
    ),
    Field("job_title", _("job title"), ("title", "job title", "position", "직함", "직책", "직위")),
    Field("industry", _("industry"), ("industry", "업종", "산업")),
    Field(
        "company_size", _("company size (employees)"), ("employees", "company size", "직원 수", "임직원 수")
    ),
    Field("region", _("province / state"), ("region", "state", "province", "시도", "지역", "시/도")),
    Field("country", _("country"), ("country", "국가")),
    Field("source", _("source"), ("source", "lead source", "유입 경로", "출처")),
    Field("campaign", _("campaign"), ("campaign", "캠페인")),
    Field(
        "notes", _("notes"), ("notes", "note", "description", "memo", "comments", "메모", "비고", "문의 내용")
    ),
    Field("owner", _("owner (user name)"), ("owner", "lead owner", "assigned to", "담당자")),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "contacts": CONTACT_FIELDS,
    "accounts": ACCOUNT_FIELDS,
    "products": PRODUCT_FIELDS,
    "orders": ORDER_FIELDS,
    "leads": LEAD_FIELDS,
}

# What a file must map before an import can start: any one field of each group.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "contacts": (
        ("full_name", "family_name", "given_name", "display_name", "emails", "phones", "id", "external_id"),
    ),
    "accounts": (("name", "id", "external_id"),),
    "products": (("code",),),
    "orders": (("customer", "customer_email"), ("ordered_at",), ("amount",)),
    "leads": (("full_name", "family_name", "given_name"), ("email", "phone")),
}


def field_names(kind: str) -> list[str]:
    return [f.name for f in FIELDS[kind]]


def suggest_mapping(headers: list[str], kind: str) -> dict[str, str]:
    """{header: field} for the headers that name a field; each field is taken once."""
    by_alias: dict[str, str] = {}
    for field in FIELDS[kind]:
        by_alias.setdefault(header_key(field.name), field.name)
        for alias in field.aliases:
            by_alias.setdefault(header_key(alias), field.name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        name = by_alias.get(header_key(header))
        if name and (name not in taken or FIELDS_BY_NAME[kind][name].multiple):
            mapping[header] = name
            taken.add(name)
    # A Korean sheet with 이름 but no 성 column holds the whole name in 이름.
    if (
        kind == "contacts"
        and "given_name" in taken
        and "family_name" not in taken
        and "full_name" not in taken
    ):
        for header, name in mapping.items():
            if name == "given_name" and header_key(header) == "이름":
                mapping[header] = "full_name"
    return mapping


FIELDS_BY_NAME: dict[str, dict[str, Field]] = {kind: {f.name: f for f in fs} for kind, fs in FIELDS.items()}


def missing_required(kind: str, mapping: dict[str, str]) -> list[tuple[str, ...]]:
    mapped = set(mapping.values())
    return [group for group in REQUIRED[kind] if not mapped & set(group)]
