from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import Client


def test_health_is_ok_with_the_database(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable(db: None) -> None:
    with mock.patch("inyeon.core.health.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
