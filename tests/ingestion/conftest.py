"""Ingestion fixtures."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from ingestion.sources import http


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the source session's waits (back-off, quota resets) instead of sleeping."""
    recorded: list[float] = []
    # only the session's clock: patching time.sleep itself would also stop every other
    # thread's sleep (a Spark session left by an earlier test spins and fills memory)
    monkeypatch.setattr(http, "time", SimpleNamespace(time=time.time, sleep=recorded.append))
    return recorded
