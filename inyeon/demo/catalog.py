"""Demo catalogue: descriptions and specs for a few products, option groups with rules for two of
them, and two price lists (a standing sale for everyone and a price list for value tier A)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from inyeon.catalog.models import Option, OptionGroup, OptionPrice, OptionRule, PriceList, PriceListItem
from inyeon.customers.models import Product

DETAILS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "HM-002": (
        "가볍고 흡입력이 강한 무선 청소기입니다. 배터리와 헤드를 골라 구성할 수 있습니다.",
        "A light cordless vacuum with strong suction. Choose its battery and heads.",
        [("무게", "1.4 kg"), ("흡입력", "150 AW"), ("사용 시간", "최대 60분"), ("충전 시간", "3.5시간")],
    ),
    "FD-004": (
        "1++ 등급 한우 등심과 불고기로 구성한 선물세트입니다.",
        "A gift set of grade 1++ Hanwoo sirloin and bulgogi.",
        [("중량", "1.2 kg"), ("원산지", "국내산 (횡성)"), ("보관", "냉장 0~4℃")],
    ),
    "EL-005": (
        "알루미늄 하우징의 텐키리스 기계식 키보드입니다.",
        "A tenkeyless mechanical keyboard in an aluminium case.",
        [("배열", "87키 (TKL)"), ("연결", "USB-C, 블루투스 5.1"), ("스위치", "선택")],
    ),
}

# product code -> [(group ko, group en, choice, required, [(code, ko, en, adjustment, usd)])]
OPTIONS: dict[str, list[tuple[str, str, str, bool, list[tuple[str, str, str, int, int | None]]]]] = {
    "HM-002": [
        (
            "배터리",
            "Battery",
            "single",
            True,
            [
                ("BAT-STD", "표준 배터리 (40분)", "Standard battery (40 min)", 0, 0),
                ("BAT-XL", "대용량 배터리 (60분)", "Large battery (60 min)", 49000, 39),
            ],
        ),
        (
            "추가 구성",
            "Extras",
            "multiple",
            False,
            [
                ("HEAD-MOP", "물걸레 헤드", "Mop head", 59000, 45),
                ("HEAD-PET", "반려동물 헤드", "Pet hair head", 39000, 30),
                ("STATION", "자동 먼지 비움 스테이션", "Auto-empty station", 129000, 99),
                ("WALL", "벽걸이 거치대", "Wall mount", 15000, None),
            ],
        ),
    ],
    "EL-005": [
        (
            "스위치",
            "Switches",
            "single",
            True,
            [
                ("SW-RED", "적축", "Red (linear)", 0, 0),
                ("SW-BROWN", "갈축", "Brown (tactile)", 0, 0),
                ("SW-BLUE", "청축", "Blue (clicky)", 0, 0),
            ],
        ),
        (
            "키캡",
            "Keycaps",
            "single",
            False,
            [
                ("CAP-KO", "한글 각인", "Korean legends", 0, 0),
                ("CAP-BLANK", "무각", "Blank", 10000, 8),
            ],
        ),
        (
            "추가 구성",
            "Extras",
            "multiple",
            False,
            [
                ("SILENT", "저소음 댐퍼", "Silencing dampers", 15000, 12),
                ("WIRELESS", "무선 모듈", "Wireless module", 30000, 23),
            ],
        ),
    ],
}

# (option, kind, target)
RULES: dict[str, list[tuple[str, str, str]]] = {
    "HM-002": [("STATION", "requires", "BAT-XL"), ("WALL", "excludes", "STATION")],
    "EL-005": [("SILENT", "excludes", "SW-BLUE"), ("CAP-BLANK", "excludes", "CAP-KO")],
}


def catalogue_demo(*, today: dt.date) -> int:
    """Add the demo catalogue once (it is left alone when price lists exist); returns the number of
    price lists made."""
    if PriceList.objects.exists():
        return 0
    products = {p.code: p for p in Product.objects.filter(code__in=[*DETAILS, *OPTIONS])}
    everything = list(Product.objects.filter(active=True).order_by("code"))
    with transaction.atomic():
        for code, (ko, en, specs) in DETAILS.items():
            if code in products:
                Product.objects.filter(pk=products[code].pk).update(
                    description_ko=ko, description_en=en, specs=[{"name": n, "value": v} for n, v in specs]
                )
        for code, groups in OPTIONS.items():
            product = products.get(code)
            if product is None:
                continue
            options: dict[str, Option] = {}
            for position, (gko, gen, choice, required, rows) in enumerate(groups):
                group = OptionGroup.objects.create(
                    product=product,
                    name_ko=gko,
                    name_en=gen,
                    choice=choice,
                    required=required,
                    position=position,
                )
                for place, (ocode, oko, oen, adjustment, usd) in enumerate(rows):
                    option = Option.objects.create(
                        group=group,
                        product=product,
                        code=ocode,
                        name_ko=oko,
                        name_en=oen,
                        price_adjustment=adjustment,
                        position=place,
                    )
                    if usd is not None:
                        OptionPrice.objects.create(option=option, currency="USD", amount=usd * 100)
                    options[ocode] = option
            for option_code, kind, target_code in RULES.get(code, []):
                OptionRule.objects.create(
                    product=product, option=options[option_code], kind=kind, target=options[target_code]
                )
        sale = PriceList.objects.create(
            name="상시 할인가 / Standing sale",
            currency="KRW",
            segment_kind="everyone",
            valid_from=today - dt.timedelta(days=90),
            notes="리빙·전자 제품 5% 할인",
        )
        vip = PriceList.objects.create(
            name="VIP (가치 등급 A)",
            currency="KRW",
            segment_kind="value_tier",
            segment="A",
            valid_from=today.replace(month=1, day=1),
            valid_to=today.replace(month=12, day=31),
            notes="A 등급 고객 10% 할인",
        )
        PriceListItem.objects.bulk_create(
            [
                PriceListItem(price_list=sale, product=p, price=int(round(p.unit_price * 0.95, -2)))
                for p in everything
                if p.category in ("리빙", "전자")
            ]
            + [
                PriceListItem(price_list=vip, product=p, price=int(round(p.unit_price * 0.9, -2)))
                for p in everything
            ]
        )
    return 2
