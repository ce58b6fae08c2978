"""factory-boy factories for the customer 360 core."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from inyeon.core.hangul import chosung, search_key
from inyeon.core.models import Team, User
from inyeon.customers.models import Account, Activity, Contact, Order, Product


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "sales_rep"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"(주)인연상사 {n}")
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))
    name_initials = factory.LazyAttribute(lambda o: chosung(o.name))
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.owner.team)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    family_name = "김"
    given_name = factory.Sequence(lambda n: f"민수{n}")
    display_name = factory.LazyAttribute(lambda o: f"{o.family_name}{o.given_name}")
    search_name = factory.LazyAttribute(lambda o: search_key(o.display_name))
    search_given = factory.LazyAttribute(lambda o: search_key(o.given_name))
    name_initials = factory.LazyAttribute(lambda o: chosung(o.display_name))
    primary_email = factory.Sequence(lambda n: f"person{n}@example.kr")
    primary_phone = factory.Sequence(lambda n: f"+82101234{n % 10000:04d}")
    birth_date = dt.date(1990, 5, 17)
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.owner.team)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name_ko = factory.Sequence(lambda n: f"상품 {n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    unit_price = 10000


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    contact = factory.SubFactory(ContactFactory)
    ordered_at = factory.LazyFunction(timezone.now)
    total_amount = 25000
    owner = factory.LazyAttribute(lambda o: o.contact.owner)
    team = factory.LazyAttribute(lambda o: o.contact.team)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = "note"
    subject = factory.Sequence(lambda n: f"메모 {n}")
    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda o: o.contact.owner)
    team = factory.LazyAttribute(lambda o: o.contact.team)
