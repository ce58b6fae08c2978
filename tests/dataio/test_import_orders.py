"""Orders and products imports, the CDNOW log with the mapping kept in examples/, and the CLI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import lifetimes
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings

from inyeon.customers.models import Contact, Order, OrderLine, Product
from inyeon.customers.services import contact_create
from inyeon.dataio.models import ImportJob
from tests.conftest import Personas

REPO = Path(__file__).resolve().parents[2]
CDNOW = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
MAPPING = REPO / "examples" / "imports" / "cdnow-orders.json"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media", LANGUAGE_CODE="en"):
        yield


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_cdnow_log_imports_with_the_example_mapping_and_again_as_a_no_op(
    people: Personas, tmp_path: Path
) -> None:
    head = tmp_path / "cdnow_head.txt"
    lines = CDNOW.read_text().splitlines()[:1501]  # the header and 1,500 transactions
    head.write_text("\n".join(lines) + "\n")
    expected_total = sum(round(float(line.split()[3]) * 100) for line in lines[1:])
    expected_customers = len({line.split()[0] for line in lines[1:]})
    out = cli("orders", str(head), "--mapping", str(MAPPING), "--user", "root")
    assert "created 1,500" in out
    assert Order.objects.count() == 1500 and Contact.objects.count() == expected_customers
    assert Order.objects.aggregate(s=Sum("total_amount"))["s"] == expected_total
    first = Order.objects.get(contact__external_id="00001")
    assert (first.currency, first.total_amount, first.quantity, str(first.ordered_at.date())) == (
        "USD",
        1177,
        1,
        "1997-01-01",
    )
    assert Contact.objects.get(external_id="00001").display_name == "CDNOW 00001"
    again = cli("orders", str(head), "--mapping", str(MAPPING), "--user", "root")
    assert "created 0" in again and "unchanged 1,500" in again
    assert Order.objects.count() == 1500


def test_orders_find_their_customer_by_key_or_email_and_their_product_by_code(
    people: Personas, tmp_path: Path
) -> None:
    kim = contact_create(
        data={"display_name": "김민수", "emails": ["k@example.kr"], "external_id": "M-7"}, actor=people.alice
    )
    Product.objects.create(code="TEA-1", name_ko="녹차")
    path = tmp_path / "pos.csv"
    path.write_text(
        '주문번호,회원번호,이메일,주문일자,수량,결제금액,상품코드,채널\nA-1,M-7,,2024.03.05,2,"12,000원",TEA-1,매장\nA-2,,k@example.kr,2024-03-06,1,5000,,온라인\n',
        encoding="utf-8",
    )
    cli("orders", str(path), "--user", "alice")
    orders = list(Order.objects.order_by("number"))
    assert [(o.number, o.contact_id, o.total_amount, o.currency, o.channel) for o in orders] == [
        ("A-1", kim.pk, 12000, "KRW", "store"),
        ("A-2", kim.pk, 5000, "KRW", "online"),
    ]
    assert orders[0].owner == people.alice
    assert OrderLine.objects.get().product.code == "TEA-1"


def test_strict_cli_import_with_a_bad_row_exits_non_zero_and_writes_nothing(
    people: Personas, tmp_path: Path
) -> None:
    contact_create(data={"display_name": "김민수", "external_id": "M-7"}, actor=people.alice)
    path = tmp_path / "pos.csv"
    path.write_text(
        "회원번호,주문일자,결제금액,상품코드\nM-7,2024-03-05,1000,\nM-7,2024-13-45,1000,\nM-8,2024-03-05,1000,\nM-7,2024-03-05,abc,NOPE\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Nothing was written"):
        cli("orders", str(path), "--user", "alice", "--strict")
    assert Order.objects.count() == 0
    job = ImportJob.objects.get()
    assert [(e["line"], e["column"]) for e in job.errors] == [
        (3, "주문일자"),
        (4, "customer key (external id)"),
        (5, "결제금액"),
    ]


def test_products_import_and_update_by_code(people: Personas, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("상품코드,상품명,분류,판매가,판매 여부\nTEA-1,녹차,차,3500,예\n", encoding="utf-8")
    cli("products", str(path), "--user", "carol")
    path.write_text("상품코드,상품명,분류,판매가,판매 여부\nTEA-1,녹차,차,3900,아니오\n", encoding="utf-8")
    out = cli("products", str(path), "--user", "carol")
    product = Product.objects.get()
    assert "updated 1" in out and (product.unit_price, product.active, product.version) == (3900, False, 2)
    assert (product.search_name, product.name_initials) == ("녹차", "ㄴㅊ")


def test_only_catalogue_editors_import_products(people: Personas, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("상품코드,상품명\nTEA-1,녹차\n", encoding="utf-8")
    with pytest.raises(CommandError):
        cli("products", str(path), "--user", "alice")
    assert not Product.objects.exists()


def test_the_cli_names_a_bad_option(people: Personas, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--user"):
        cli("contacts", str(tmp_path / "x.csv"), "--user", "nobody")
    path = tmp_path / "c.csv"
    path.write_text("Name\n김민수\n", encoding="utf-8")
    mapping = tmp_path / "m.json"
    mapping.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="--mapping: The mapping is not valid JSON"):
        cli("contacts", str(path), "--user", "alice", "--mapping", str(mapping))
