"""`kpibridge build` waits for a reader of the warehouse instead of failing on its lock."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.build import build_warehouse
from tests.ingestion.test_writer_locks import HOLD_SECONDS, other_process, reader_code
from tests.models.test_build_publish import read_value, tiny_project  # noqa: F401 - fixture


def test_build_waits_for_a_reader_then_publishes(
    tmp_path: Path,
    tiny_project: Path,  # noqa: F811 - the imported fixture
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="kpibridge.lock")
    warehouse, marts = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    duckdb.connect(str(warehouse)).close()
    with other_process(reader_code(warehouse, HOLD_SECONDS)):
        started = time.monotonic()
        build_warehouse(
            duckdb_path=warehouse, project_dir=tiny_project, marts_path=marts, dbt_vars={"value": 3}
        )
        waited = time.monotonic() - started
    assert waited >= HOLD_SECONDS - 1
    assert "is locked by another process; waiting" in caplog.text
    assert read_value(marts) == 3.0
