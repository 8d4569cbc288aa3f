"""A damaged warehouse stops ingest and build before they write, naming the file and the fix."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from ingestion.build import BuildError, build_warehouse
from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from ingestion.warehouse_check import WarehouseDamaged

HEADER_BYTES = 3 * 4096  # DuckDB's file header, then 256 KiB blocks
BLOCK_BYTES = 256 * 1024


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """A warehouse whose raw table spans many blocks; one block in the middle is overwritten."""
    path = tmp_path / "kpibridge.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_pagerduty")
        con.execute(
            "create table raw_pagerduty.incidents as "
            "select range as id, md5(range::varchar) as title from range(200000)"
        )
    data = bytearray(path.read_bytes())
    blocks = (len(data) - HEADER_BYTES) // BLOCK_BYTES
    offset = HEADER_BYTES + (blocks // 2) * BLOCK_BYTES + 1024
    data[offset : offset + 4096] = b"\xab" * 4096
    path.write_bytes(bytes(data))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ingest_stops_before_requesting_or_writing(damaged: Path) -> None:
    before = digest(damaged)
    with Simulator(build_org()) as sim, pytest.raises(WarehouseDamaged) as stopped:
        run_ingest(["pagerduty"], duckdb_path=damaged, settings=simulator_settings(sim.urls))
    message = str(stopped.value)
    assert str(damaged) in message
    assert '"raw_pagerduty"."incidents"' in message
    assert "nothing was written" in message
    assert "kpibridge ingest --full-refresh" in message
    assert sum(sim.request_counts.values()) == 0
    assert digest(damaged) == before
    assert not (damaged.parent / "pipelines").exists()


def test_build_stops_before_writing(damaged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBRIDGE_SALT", "damaged-test-salt")
    before = digest(damaged)
    with pytest.raises(BuildError, match=r"is damaged .*nothing was written"):
        build_warehouse(damaged, marts_path=damaged.parent / "marts.duckdb")
    assert digest(damaged) == before
    assert not (damaged.parent / "marts.duckdb").exists()
