"""Personas shared by the whole suite.

Seoul region has two teams: Gangnam (alice, a rep) and Mapo (bob, a rep); carol manages the region;
dave is a marketer; erin is an analyst; oscar is a rep in Busan (the outsider who must see nothing of
alice's); root is an admin; rita is read-only in Mapo; sam is a service agent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from inyeon.core.models import Team, User
from inyeon.core.services import team_ensure, token_create
from tests.factories import UserFactory


@dataclass
class Personas:
    seoul: Team
    gangnam: Team
    mapo: Team
    busan: Team
    alice: User
    bob: User
    carol: User
    dave: User
    erin: User
    oscar: User
    root: User
    rita: User
    sam: User


PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(db: None) -> Personas:
    seoul = team_ensure(name="Seoul")
    gangnam = team_ensure(name="Gangnam", parent=seoul)
    mapo = team_ensure(name="Mapo", parent=seoul)
    busan = team_ensure(name="Busan")
    return Personas(
        seoul=seoul,
        gangnam=gangnam,
        mapo=mapo,
        busan=busan,
        alice=UserFactory(username="alice", role="sales_rep", team=gangnam),
        bob=UserFactory(username="bob", role="sales_rep", team=mapo),
        carol=UserFactory(username="carol", role="manager", team=seoul),
        dave=UserFactory(username="dave", role="marketer", team=seoul),
        erin=UserFactory(username="erin", role="analyst"),
        oscar=UserFactory(username="oscar", role="sales_rep", team=busan),
        root=UserFactory(username="root", role="admin", is_staff=True),
        rita=UserFactory(username="rita", role="read_only", team=mapo),
        sam=UserFactory(username="sam", role="service_agent"),
    )


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    _, raw = token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    """Argon2 is deliberately slow; tests that check the production hasher ask for it themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with an empty cache: ids repeat across tests, cached figures must not."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` test PostgreSQL-only code: on SQLite they are deselected, not
    skipped (`make test` runs the suite on PostgreSQL too, where they run)."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    keep = [item for item in items if item.get_closest_marker("postgres") is None]
    dropped = [item for item in items if item.get_closest_marker("postgres") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
