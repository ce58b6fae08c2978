"""Fixtures of the sales tests."""

from __future__ import annotations

import pytest

from tests.sales.factories import ensure_default_pipeline


@pytest.fixture
def default_pipeline(db: None) -> None:
    ensure_default_pipeline()
