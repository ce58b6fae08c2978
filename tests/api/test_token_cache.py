"""The per-process memory of checked API tokens (core.token_cache)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inyeon.core import memory, token_cache
from inyeon.core.models import User
from inyeon.core.services import token_authenticate, token_create
from tests.conftest import Personas

URL = "/api/v1/me"


def _token_lookups(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return sum('"core_apitoken"' in q["sql"] and q["sql"].startswith("SELECT") for q in ctx.captured_queries)


@pytest.fixture(autouse=True)
def _empty_memory() -> None:
    token_cache.forget_all()


def _client(people: Personas) -> Client:
    _, raw = token_create(user=people.alice)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_token_is_looked_up_once_within_the_ttl(people: Personas, settings: Any) -> None:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    client = _client(people)
    assert _token_lookups(client) == 1
    assert _token_lookups(client) == 0


def test_a_remembered_token_is_looked_up_again_after_the_ttl(
    people: Personas, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    client = _client(people)
    assert _token_lookups(client) == 1
    now = memory.time.monotonic()
    monkeypatch.setattr(memory.time, "monotonic", lambda: now + 11)
    assert _token_lookups(client) == 1


def test_zero_seconds_looks_every_request_up(people: Personas, settings: Any) -> None:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 0
    client = _client(people)
    assert _token_lookups(client) == 1
    assert _token_lookups(client) == 1


def test_a_role_change_applies_to_a_remembered_token_at_once(people: Personas, settings: Any) -> None:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    client = _client(people)
    assert client.get(URL).json()["role"] == "sales_rep"
    people.alice.role = "read_only"
    people.alice.save(update_fields=["role"])
    assert client.get(URL).json()["role"] == "read_only"


def test_a_request_cannot_change_the_remembered_user(people: Personas, settings: Any) -> None:
    settings.INYEON_API_TOKEN_CACHE_SECONDS = 10
    _, raw = token_create(user=people.alice)
    first = token_cache_user(raw)
    first.role = "admin"
    assert token_cache_user(raw).role == "sales_rep"


def token_cache_user(raw: str) -> User:
    user = token_authenticate(raw)
    assert user is not None
    return user
