"""Products in the catalogue: who may change them, their fields, specs and images."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.catalog import selectors, services
from inyeon.catalog.models import ProductImage
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import AuditLog
from inyeon.core.visibility import can_edit_catalogue
from inyeon.customers.models import Product
from tests.catalog.images import image_bytes
from tests.conftest import Personas
from tests.factories import ProductFactory


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def test_only_admins_and_managers_edit_the_catalogue(people: Personas) -> None:
    editors = {u.username for u in vars(people).values() if hasattr(u, "role") and can_edit_catalogue(u)}
    assert editors == {"carol", "root"}
    for user in (people.alice, people.dave, people.erin, people.rita, people.sam):
        with pytest.raises(PermissionDenied):
            services.product_create(data={"code": "X", "name_ko": "엑스"}, actor=user)
        with pytest.raises(PermissionDenied):
            services.price_list_create(
                data={"name": "x", "currency": "KRW", "valid_from": "2026-01-01"}, actor=user
            )
    assert not Product.objects.exists()


def test_everybody_signed_in_reads_the_catalogue(people: Personas) -> None:
    product = ProductFactory()
    for user in (people.alice, people.oscar, people.rita, people.erin):
        assert selectors.product_get(user=user, pk=product.pk) == product
    people.oscar.is_active = False
    with pytest.raises(Product.DoesNotExist):
        selectors.product_get(user=people.oscar, pk=product.pk)


def test_a_product_is_created_with_descriptions_specs_and_search_keys(people: Personas) -> None:
    product = services.product_create(
        data={
            "code": "TEA-01",
            "name_ko": "제주 녹차",
            "name_en": "Jeju Green Tea",
            "description_ko": "첫물 찻잎",
            "specs": "중량: 100 g\n원산지: 제주\n",
            "category": "차",
            "unit_price": 12000,
        },
        actor=people.carol,
    )
    assert product.specs == [{"name": "중량", "value": "100 g"}, {"name": "원산지", "value": "제주"}]
    assert (product.search_name, product.search_name_en, product.name_initials) == (
        "제주녹차",
        "jejugreentea",
        "ㅈㅈㄴㅊ",
    )
    entry = AuditLog.objects.get(entity="product", action="create")
    assert entry.changes["specs"][1][0]["name"] == "중량"


def test_a_product_names_each_bad_field_and_writes_nothing(people: Personas) -> None:
    ProductFactory(code="TEA-01")
    with pytest.raises(ValidationError) as exc:
        services.product_create(
            data={
                "code": "TEA-01",
                "name_ko": "",
                "unit_price": -5,
                "currency": "WON",
                "specs": [{"name": "", "value": "x"}, "oops"],
                "active": "maybe",
            },
            actor=people.root,
        )
    assert set(error_dict(exc.value)) == {
        "code",
        "name_ko",
        "unit_price",
        "currency",
        "specs[0].name",
        "specs[1]",
        "active",
    }
    assert Product.objects.count() == 1


def test_a_product_update_changes_only_what_is_sent_and_refuses_a_stale_version(people: Personas) -> None:
    product = ProductFactory(name_ko="녹차", unit_price=1000)
    updated = services.product_update(
        product=product, data={"name_ko": "말차", "active": False}, actor=people.carol, expected_version=1
    )
    assert (updated.name_ko, updated.active, updated.unit_price, updated.version) == ("말차", False, 1000, 2)
    assert updated.search_name == "말차"
    assert AuditLog.objects.get(entity="product", action="update").changes == {
        "name_ko": ["녹차", "말차"],
        "active": [True, False],
    }
    with pytest.raises(ConflictError):
        services.product_update(
            product=product, data={"name_ko": "홍차"}, actor=people.root, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        services.product_update(product=product, data={"name_ko": "홍차"}, actor=people.alice)


def test_the_list_searches_codes_names_and_initials_and_filters(people: Personas) -> None:
    for code, ko, en, category, active in (
        ("TEA-01", "녹차", "Green tea", "차", True),
        ("TEA-02", "홍차", "Black tea", "차", False),
        ("CUP-01", "찻잔", "Tea cup", "식기", True),
    ):
        services.product_create(
            data={"code": code, "name_ko": ko, "name_en": en, "category": category, "active": active},
            actor=people.root,
        )

    def codes(**filters: object) -> list[str]:
        page = selectors.product_list(user=people.alice, filters=selectors.ProductFilters(**filters))  # type: ignore[arg-type]
        return [p.code for p in page.items]

    assert codes() == ["CUP-01", "TEA-01", "TEA-02"]
    assert codes(q="tea-0") == ["TEA-01", "TEA-02"]
    assert codes(q="녹") == ["TEA-01"]
    assert codes(q="ㅎㅊ") == ["TEA-02"]
    assert codes(q="black") == ["TEA-02"]
    assert codes(category="차") == ["TEA-01", "TEA-02"]
    assert codes(active=True) == ["CUP-01", "TEA-01"]
    assert codes(active=False, category="차") == ["TEA-02"]
    assert selectors.categories(people.alice) == ["식기", "차"]


def test_an_image_is_stored_under_a_generated_name(
    people: Personas, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    product = ProductFactory()
    image = services.product_image_add(
        product=product, file=io.BytesIO(image_bytes("PNG")), name="../../etc/passwd.png", actor=people.carol
    )
    assert image.content_type == "image/png" and (image.width, image.height) == (4, 3)
    assert image.path.startswith("products/") and "passwd" not in image.path and image.path.endswith(".png")
    assert (media / image.path).read_bytes() == image_bytes("PNG")
    assert image.original_name == "passwd.png"
    jpeg = services.product_image_add(
        product=product, file=io.BytesIO(image_bytes("JPEG")), actor=people.carol
    )
    assert jpeg.content_type == "image/jpeg" and jpeg.position == 1
    assert AuditLog.objects.filter(entity="product_image", action="create").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_delete(image=image, actor=people.carol)
    assert not (media / image.path).exists()
    assert AuditLog.objects.filter(entity="product_image", action="delete").count() == 1


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "JPEG, PNG, WEBP"),
        (b"GIF89a" + b"\0" * 20, "JPEG, PNG, WEBP"),
        (image_bytes("GIF", mode="P"), "JPEG, PNG, WEBP"),
        (image_bytes("PNG")[:30], "JPEG, PNG, WEBP"),  # truncated
        (image_bytes("PNG") + b"\0" * (5 * 1024 * 1024), "5 MB"),
        (image_bytes("PNG", size=(8000, 6000), mode="1"), "40"),
        (b"", ""),
    ],
)
def test_an_image_of_the_wrong_type_or_size_is_refused_and_nothing_is_kept(
    people: Personas, media: Path, content: bytes, needle: str
) -> None:
    product = ProductFactory()
    with pytest.raises(ValidationError) as exc:
        services.product_image_add(
            product=product, file=io.BytesIO(content), name="x.png", actor=people.carol
        )
    assert needle in error_dict(exc.value)["file"][0]
    assert not ProductImage.objects.exists()
    assert not list(media.rglob("*.*"))


def test_a_product_has_at_most_twelve_images(people: Personas, media: Path) -> None:
    product = ProductFactory()
    for _i in range(12):
        services.product_image_add(product=product, file=io.BytesIO(image_bytes()), actor=people.root)
    with pytest.raises(ValidationError):
        services.product_image_add(product=product, file=io.BytesIO(image_bytes()), actor=people.root)
    assert len(list((media / "products").iterdir())) == 12


def test_a_rep_may_not_upload_an_image(people: Personas, media: Path) -> None:
    with pytest.raises(PermissionDenied):
        services.product_image_add(
            product=ProductFactory(), file=io.BytesIO(image_bytes()), actor=people.alice
        )
    assert not list(media.rglob("*.*"))
