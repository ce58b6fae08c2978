from __future__ import annotations

import phonenumbers
import pytest
from django.core.management import call_command
from django.utils import timezone

from inyeon.analytics.models import ScoringRun
from inyeon.core.hangul import chosung
from inyeon.core.models import User
from inyeon.customers.models import Address, Contact, Order
from inyeon.customers.names import name_keys


def _generate(contacts: int = 150, seed: int = 7, reset: bool = False) -> None:
    args = ["demo", "--contacts", str(contacts), "--accounts", "20", "--seed", str(seed), "--quiet"]
    call_command(*args, *(["--reset"] if reset else []))


@pytest.mark.django_db
def test_it_creates_a_user_in_every_role() -> None:
    _generate()
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"admin", "manager", "sales_rep", "marketer", "service_agent", "analyst", "read_only"}
    assert User.objects.get(username="rep1").check_password("inyeon-demo")


@pytest.mark.django_db
def test_it_is_reproducible_from_its_seed() -> None:
    _generate(seed=11)
    first = list(Contact.objects.order_by("pk").values_list("display_name", "primary_email"))
    first_total = sum(Order.objects.values_list("total_amount", flat=True))
    _generate(seed=11, reset=True)
    second = list(Contact.objects.order_by("pk").values_list("display_name", "primary_email"))
    assert first == second
    assert sum(Order.objects.values_list("total_amount", flat=True)) == first_total


@pytest.mark.django_db
def test_it_makes_mostly_korean_contacts_with_many_orders_each() -> None:
    _generate(contacts=300)
    korean = Contact.objects.filter(name_order="eastern").count()
    assert 0.8 <= korean / 300 <= 0.97
    orders_per_contact = Order.objects.count() / 300
    assert 8 <= orders_per_contact <= 30


@pytest.mark.django_db
def test_search_columns_agree_with_the_name_rules() -> None:
    _generate(contacts=100)
    for c in Contact.objects.all():
        assert (c.search_name, c.search_given, c.name_initials) == name_keys(
            c.display_name, c.family_name, c.given_name
        )
        if c.name_order == "eastern":
            assert c.name_initials == chosung(c.display_name)


@pytest.mark.django_db
def test_lifecycle_stages_follow_purchase_history() -> None:
    _generate(contacts=200)  # the demo ends with the scoring job, which sets the stages
    counted = ("paid", "shipped", "completed")
    assert ScoringRun.objects.filter(status="done").count() == 2
    for c in Contact.objects.all():
        has_orders = c.orders.filter(status__in=counted, ordered_at__lte=timezone.now()).exists()
        assert (c.lifecycle_stage == "prospect") == (not has_orders)
        assert c.score.lifecycle_stage == c.lifecycle_stage


@pytest.mark.django_db
def test_phones_are_valid_e164_numbers() -> None:
    _generate(contacts=80)
    for number in Contact.objects.values_list("primary_phone", flat=True):
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, None)), number


@pytest.mark.django_db
def test_addresses_name_their_region_and_city_once() -> None:
    _generate(contacts=80)
    addresses = list(Address.objects.exclude(contact=None))
    assert addresses
    for address in addresses:
        assert address.region and address.city
        assert str(address).count(address.region) == 1, str(address)
        assert not address.line1.startswith(address.region), address.line1


@pytest.mark.django_db
def test_running_twice_does_not_duplicate_anything() -> None:
    _generate(contacts=50)
    users, contacts = User.objects.count(), Contact.objects.count()
    _generate(contacts=50)
    assert (User.objects.count(), Contact.objects.count()) == (users, contacts)
