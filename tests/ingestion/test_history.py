"""dlt's working folder stays bounded: the newest few loaded packages, no scratch folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.history import DEFAULT_KEEP, keep_loads
from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator

RUNS = 10


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_ten_runs_keep_the_newest_packages_and_bounded_bytes(tmp_path: Path) -> None:
    warehouse = tmp_path / "kpibridge.duckdb"
    pipeline_dir = tmp_path / "pipelines" / "kpibridge_pagerduty"
    # a killed extract's scratch package (dlt extracts into normalize/<random id>/)
    scratch = pipeline_dir / "normalize" / "a1b2c3d4" / "new" / "1.0"
    scratch.mkdir(parents=True)
    (scratch / "payload.jsonl").write_text('{"title": "raw payload"}\n')
    kept_bytes, packages = [], []
    with Simulator(build_org()) as sim:
        for _ in range(RUNS):
            [result] = run_ingest(
                ["pagerduty"], duckdb_path=warehouse, settings=simulator_settings(sim.urls)
            )
            assert result.error is None
            kept_bytes.append(folder_bytes(tmp_path / "pipelines"))
            packages.append(len(list((pipeline_dir / "load" / "loaded").iterdir())))
    assert packages == [1, 2, 3] + [DEFAULT_KEEP] * (RUNS - 3)
    assert not (pipeline_dir / "normalize" / "a1b2c3d4").exists()
    # once the first (full) package is pruned, later runs keep the same few packages
    assert max(kept_bytes[4:]) <= 1.1 * min(kept_bytes[4:])
    assert kept_bytes[-1] < kept_bytes[2]


def test_keep_loads_comes_from_the_argument_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KPIBRIDGE_KEEP_LOADS", "7")
    assert keep_loads() == 7
    assert keep_loads(1) == 1
    monkeypatch.setenv("KPIBRIDGE_KEEP_LOADS", "all")
    with pytest.raises(ValueError, match="KPIBRIDGE_KEEP_LOADS='all'"):
        keep_loads()
