"""Tax rates kept by admins: `tax_rate_save` (unique code, 0–10000 bp, exactly one active default,
a rate in use keeps its rate but can be retired, audited), /api/v1/tax-rates and the admin pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from inyeon.core.models import AuditLog
from inyeon.customers.models import Contact
from inyeon.quotes.models import QuoteLine, TaxRate
from inyeon.quotes.selectors import tax_rate_default
from inyeon.quotes.services import tax_rate_save
from tests.api.helpers import PROBLEM, body, error_fields, patch, post
from tests.conftest import Personas, api_client, login
from tests.quotes.conftest import make_quote

pytestmark = pytest.mark.django_db

URL = "/api/v1/tax-rates"


def vat() -> TaxRate:
    return TaxRate.objects.get(code="KR-VAT")


def new_rate(people: Personas, **data: Any) -> TaxRate:
    return tax_rate_save(
        rate=None,
        data={"code": "KR-R5", "label_ko": "경감세율 5%", "rate_bp": 500, **data},
        actor=people.root,
    )


# --- the service ------------------------------------------------------------------------------------


def test_an_admin_adds_a_rate_audited(people: Personas) -> None:
    rate = new_rate(people, label_en="Reduced 5%")
    assert (rate.code, rate.rate_bp, rate.is_default, rate.active) == ("KR-R5", 500, False, True)
    assert rate.percent == "5%"
    log = AuditLog.objects.get(entity="tax_rate", entity_id=str(rate.pk), action="create")
    assert log.actor == people.root and log.changes["rate_bp"] == [None, 500]


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "erin", "rita", "sam"])
def test_only_admins_change_tax_rates(people: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        new_rate(people) if who == "root" else tax_rate_save(
            rate=None, data={"code": "X", "label_ko": "x", "rate_bp": 0}, actor=getattr(people, who)
        )
    with pytest.raises(PermissionDenied):
        tax_rate_save(rate=vat(), data={"label_ko": "바뀜"}, actor=getattr(people, who))
    assert TaxRate.objects.count() == 3 and vat().label_ko == "부가가치세 10%"


def test_every_bad_field_is_named_and_nothing_is_written(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        tax_rate_save(rate=None, data={"code": "KR-VAT", "label_ko": "", "rate_bp": 10001}, actor=people.root)
    assert set(exc.value.message_dict) == {"code", "label_ko", "rate_bp"}
    for bad in (-1, "ten", None):
        with pytest.raises(ValidationError) as exc:
            tax_rate_save(rate=None, data={"code": "N", "label_ko": "n", "rate_bp": bad}, actor=people.root)
        assert set(exc.value.message_dict) == {"rate_bp"}
    with pytest.raises(ValidationError) as exc:
        tax_rate_save(rate=None, data={"code": "x" * 21, "label_ko": "n", "rate_bp": 0}, actor=people.root)
    assert set(exc.value.message_dict) == {"code"}
    assert TaxRate.objects.count() == 3
    assert new_rate(people, rate_bp=10000).rate_bp == 10000


def test_making_a_rate_the_default_unsets_the_old_one_audited(people: Personas) -> None:
    rate = new_rate(people, is_default=True)
    assert TaxRate.objects.filter(is_default=True).get() == rate and tax_rate_default() == rate
    assert AuditLog.objects.get(entity="tax_rate", entity_id=str(vat().pk)).changes == {
        "is_default": [True, False]
    }
    tax_rate_save(rate=vat(), data={"is_default": True}, actor=people.root)
    assert list(TaxRate.objects.filter(is_default=True)) == [vat()]


def test_the_default_cannot_be_unset_or_retired(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        tax_rate_save(rate=vat(), data={"is_default": False}, actor=people.root)
    assert set(exc.value.message_dict) == {"is_default"}
    with pytest.raises(ValidationError) as exc:
        tax_rate_save(rate=vat(), data={"active": False}, actor=people.root)
    assert set(exc.value.message_dict) == {"active"}
    with pytest.raises(ValidationError) as exc:
        new_rate(people, is_default=True, active=False)
    assert set(exc.value.message_dict) == {"active"}
    assert vat().is_default and vat().active and TaxRate.objects.filter(is_default=True).count() == 1


def test_a_rate_in_use_keeps_its_rate_but_can_be_retired(people: Personas, customer: Contact) -> None:
    rate = new_rate(people)
    quote = make_quote(
        people.alice, customer, lines=[{"description": "교재", "unit_price": 10_000, "tax_code": "KR-R5"}]
    )
    line = QuoteLine.objects.get(version__quote=quote)
    assert (line.tax_rate_id, line.tax_rate_bp) == (rate.pk, 500)
    with pytest.raises(ValidationError) as exc:
        tax_rate_save(rate=rate, data={"rate_bp": 700}, actor=people.root)
    assert set(exc.value.message_dict) == {"rate_bp"}
    tax_rate_save(
        rate=rate, data={"active": False, "label_ko": "옛 경감세율", "rate_bp": 500}, actor=people.root
    )
    rate.refresh_from_db()
    line.refresh_from_db()
    assert (rate.active, rate.rate_bp, rate.label_ko, line.tax_rate_bp) == (False, 500, "옛 경감세율", 500)
    # A retired rate is no longer offered for new lines.
    with pytest.raises(ValidationError):
        make_quote(people.alice, customer, lines=[{"description": "x", "unit_price": 1, "tax_code": "KR-R5"}])


def test_a_rate_not_in_use_can_change_its_rate(people: Personas) -> None:
    rate = new_rate(people)
    tax_rate_save(rate=rate, data={"rate_bp": 700, "code": "KR-R7"}, actor=people.root)
    rate.refresh_from_db()
    assert (rate.code, rate.rate_bp) == ("KR-R7", 700)
    log = AuditLog.objects.get(entity="tax_rate", entity_id=str(rate.pk), action="update")
    assert log.changes == {"code": ["KR-R5", "KR-R7"], "rate_bp": [500, 700]}


# --- the API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave", "erin", "rita", "root"])
def test_everyone_signed_in_lists_the_rates(
    people: Personas, customer: Contact, who: str, django_assert_max_num_queries: Any
) -> None:
    retired = new_rate(people, active=False)
    make_quote(people.alice, customer)  # a line at the default rate: VAT is in use
    client = api_client(getattr(people, who))
    with django_assert_max_num_queries(4):
        items = body(client.get(URL))["items"]
    assert [r["code"] for r in items] == ["KR-VAT", "KR-ZERO", "KR-EXEMPT", "KR-R5"]
    assert items[0] == {
        "id": vat().pk,
        "code": "KR-VAT",
        "label_ko": "부가가치세 10%",
        "label_en": "VAT 10%",
        "rate_bp": 1000,
        "is_default": True,
        "active": True,
        "in_use": True,
    }
    assert [r["in_use"] for r in items] == [True, False, False, False]
    assert [r["id"] for r in body(client.get(URL, {"active": "false"}))["items"]] == [retired.pk]
    assert len(body(client.get(URL, {"active": "true"}))["items"]) == 3
    assert body(client.get(f"{URL}/{retired.pk}"))["code"] == "KR-R5"
    assert client.get(f"{URL}/999999").status_code == 404


def test_the_api_needs_a_sign_in(db: None) -> None:
    assert Client().get(URL).status_code == 401


def test_an_admin_creates_and_patches_a_rate_over_the_api(people: Personas) -> None:
    client = api_client(people.root)
    created = post(client, URL, {"code": "KR-R5", "label_ko": "경감세율", "rate_bp": 500, "is_default": True})
    assert created.status_code == 201, created.content
    rate_id = body(created)["id"]
    assert created["Location"].endswith(f"{URL}/{rate_id}") and body(created)["is_default"] is True
    assert not vat().is_default
    changed = patch(client, f"{URL}/{rate_id}", {"label_en": "Reduced", "rate_bp": 600})
    assert changed.status_code == 200 and (body(changed)["label_en"], body(changed)["rate_bp"]) == (
        "Reduced",
        600,
    )
    assert AuditLog.objects.filter(entity="tax_rate", entity_id=str(rate_id)).count() == 2
    assert patch(client, f"{URL}/999999", {"label_ko": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["alice", "carol", "erin"])
def test_others_get_403_from_the_api(people: Personas, who: str) -> None:
    client = api_client(getattr(people, who))
    created = post(client, URL, {"code": "X", "label_ko": "x", "rate_bp": 0})
    assert created.status_code == 403 and created["Content-Type"] == PROBLEM
    assert patch(client, f"{URL}/{vat().pk}", {"rate_bp": 0}).status_code == 403
    assert TaxRate.objects.count() == 3 and vat().rate_bp == 1000


def test_the_api_names_bad_fields(people: Personas, customer: Contact) -> None:
    client = api_client(people.root)
    bad = post(client, URL, {"code": "KR-ZERO", "label_ko": "", "rate_bp": 20000})
    assert bad.status_code == 422 and error_fields(bad) == {"code", "label_ko", "rate_bp"}
    make_quote(people.alice, customer)
    in_use = patch(client, f"{URL}/{vat().pk}", {"rate_bp": 1100})
    assert in_use.status_code == 422 and error_fields(in_use) == {"rate_bp"}
    unset = patch(client, f"{URL}/{vat().pk}", {"is_default": False})
    assert unset.status_code == 422 and error_fields(unset) == {"is_default"}
    assert vat().rate_bp == 1000 and vat().is_default and TaxRate.objects.count() == 3


# --- the pages ------------------------------------------------------------------------------------------


def test_the_quotes_list_links_the_tax_rates_page_for_admins_only(people: Personas) -> None:
    link = reverse("web:tax_rates")
    assert link in login(people.root).get(reverse("web:quotes")).content.decode()
    assert link not in login(people.alice).get(reverse("web:quotes")).content.decode()


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "rita"])
def test_only_admins_reach_the_tax_rate_pages(people: Personas, who: str) -> None:
    client = login(getattr(people, who))
    assert client.get(reverse("web:tax_rates")).status_code == 403
    assert client.get(reverse("web:tax_rate_edit", args=[vat().pk])).status_code == 403
    response = client.post(reverse("web:tax_rate_new"), {"code": "X", "label_ko": "x", "rate_bp": "0"})
    assert response.status_code == 403 and TaxRate.objects.count() == 3
    assert Client().get(reverse("web:tax_rates")).status_code == 302


def test_an_admin_lists_adds_and_edits_rates_on_the_pages(people: Personas) -> None:
    client = login(people.root)
    page = client.get(reverse("web:tax_rates")).content.decode()
    assert "KR-VAT" in page and "10%" in page and "KR-EXEMPT" in page
    created = client.post(
        reverse("web:tax_rate_new"),
        {"code": "KR-R5", "label_ko": "경감세율", "rate_bp": "500", "active": "on"},
    )
    assert created.status_code == 302 and created["Location"] == reverse("web:tax_rates")
    rate = TaxRate.objects.get(code="KR-R5")
    assert (rate.rate_bp, rate.active, rate.is_default) == (500, True, False)
    form = client.get(reverse("web:tax_rate_edit", args=[rate.pk])).content.decode()
    assert 'value="KR-R5"' in form and 'value="500"' in form
    made_default = client.post(
        reverse("web:tax_rate_edit", args=[rate.pk]),
        {"code": "KR-R5", "label_ko": "경감세율", "rate_bp": "500", "active": "on", "is_default": "on"},
    )
    assert made_default.status_code == 302
    assert TaxRate.objects.get(is_default=True) == rate
    assert AuditLog.objects.filter(entity="tax_rate", entity_id=str(rate.pk)).count() == 2
    assert client.get(reverse("web:tax_rate_edit", args=[999999])).status_code == 404


def test_the_form_shows_each_bad_field_in_korean(people: Personas) -> None:
    client = login(people.root)
    response = client.post(
        reverse("web:tax_rate_new"),
        {"code": "KR-VAT", "label_ko": "", "rate_bp": "20000", "active": "on"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"code", "label_ko", "rate_bp"}
    assert "이미" in errors["code"][0] and "10000" in errors["rate_bp"][0]
    assert TaxRate.objects.count() == 3
