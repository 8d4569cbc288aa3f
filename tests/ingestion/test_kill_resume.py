"""SIGKILL an ingest mid-extract, mid-normalize and at load-job boundaries, then run normally:
the raw tables must hold exactly the rows of a clean load, with unique keys.

Each kill runs `tests/ingestion/kill_runner.py` in a subprocess against one simulator. A chain
of kills shares one extraction: after the first load-step kill, every later process resumes
the same pending package and is killed again one job further (`job_done:2` re-runs the job the
last kill interrupted after it committed, then commits the next one and dies), which is where
dlt 1.31 used to land a committed staging copy twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ingestion.engines import connect
from ingestion.simulator.expected import expected_rows
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator

REPO_ROOT = Path(__file__).resolve().parents[2]
KILLED = -9
# a kill mid-extract (a Jira load is 17 requests, GitHub's 70), one before normalizing,
# then load-job boundaries of the pending package
CHAIN = ("request:10", "normalize:1", "job_done:3", "job_start:2", "job_done:2", "job_done:2")


def ingest(
    tmp_path: Path,
    sim: Simulator,
    source: str,
    kill: str | None,
    full_refresh: bool = False,
    target: str = "duckdb",
) -> tuple[int, list[dict[str, Any]]]:
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "warehouse": str(tmp_path / "kpibridge.duckdb"),
                "urls": sim.urls,
                "source": source,
                "full_refresh": full_refresh,
                "kill": kill,
                "target": target,
            }
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.ingestion.kill_runner", str(spec)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if kill is None:
        assert done.returncode == 0, done.stderr[-3000:]
    else:
        assert done.returncode == KILLED, f"not killed at {kill}: {done.stderr[-3000:]}"
    results = json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else []
    return done.returncode, results


def expected_for(source: str) -> dict[str, int]:
    return {t: n for t, n in expected_rows(build_org()).items() if t.startswith(f"raw_{source}.")}


def raw_counts(warehouse: Path, source: str, target: str = "duckdb") -> dict[str, int]:
    with connect(target, warehouse, read_only=True) as query:
        return {t: query(f"select count(*) from {t}")[0][0] for t in expected_for(source)}


def duplicate_keys(
    warehouse: Path, pipeline_dir: Path, source: str, target: str = "duckdb"
) -> dict[str, int]:
    """Rows beyond the first per primary key (from dlt's schema) and per `_dlt_id`."""
    [schema_file] = (pipeline_dir / "schemas").glob("*.schema.json")
    tables = json.loads(schema_file.read_text())["tables"]
    found = {}
    with connect(target, warehouse, read_only=True) as query:
        for name, table in tables.items():
            if name.startswith("_dlt"):
                continue
            keys = [c for c, col in table["columns"].items() if col.get("primary_key")]
            for key in (keys, ["_dlt_id"]):
                if not key:
                    continue
                columns = ", ".join(f'"{c}"' for c in key)
                extra = query(
                    f"select count(*) - count(distinct ({columns})) from raw_{source}.{name}"
                )[0][0]
                if extra:
                    found[f"{name}({columns})"] = extra
    return found


def assert_exact(
    tmp_path: Path, source: str, results: list[dict[str, Any]], target: str = "duckdb"
) -> None:
    """The run after the kills finished the pending package first, reporting its rows, then ran
    as asked; every raw table holds a clean load's rows with unique keys; no scratch is left."""
    assert [(r["resumed"], r["error"]) for r in results] == [(True, None), (False, None)]
    # every package the kills interrupted here is a full extraction: all rows, once
    expected = expected_for(source)
    assert {t: results[0]["rows"].get(t.split(".")[1]) for t in expected} == expected
    warehouse = tmp_path / "kpibridge.duckdb"
    suffix = "" if target == "duckdb" else f"_{target}"
    pipeline_dir = tmp_path / "pipelines" / f"kpibridge_{source}{suffix}"
    assert raw_counts(warehouse, source, target) == expected_for(source)
    assert duplicate_keys(warehouse, pipeline_dir, source, target) == {}
    scratch = [p for p in (pipeline_dir / "normalize").iterdir() if p.is_dir()]
    assert [p.name for p in scratch] == ["extracted"]
    assert list((pipeline_dir / "load" / "new").iterdir()) == []


@pytest.mark.parametrize("source", ["github", "jira"])
def test_kills_at_every_step_then_a_normal_run_load_exactly(tmp_path: Path, source: str) -> None:
    with Simulator(build_org()) as sim:
        for kill in CHAIN:
            ingest(tmp_path, sim, source, kill)
        _, results = ingest(tmp_path, sim, source, None)
        assert_exact(tmp_path, source, results)
        if source == "jira":
            # a killed --full-refresh (tables dropped, everything re-extracted) is finished too
            ingest(tmp_path, sim, source, "job_done:4", full_refresh=True)
            ingest(tmp_path, sim, source, "job_done:2")
            _, results = ingest(tmp_path, sim, source, None)
            assert_exact(tmp_path, source, results)


@pytest.mark.sweep
@pytest.mark.timeout(3600)  # one process per load job: tens of processes
@pytest.mark.parametrize("source", ["github", "jira", "pagerduty"])
def test_a_kill_after_every_load_job_then_a_normal_run_loads_exactly(
    tmp_path: Path, source: str
) -> None:
    """Opt-in (`pytest -m sweep`): kill a full load after its first job commits, then once per
    job of the pending package, each process re-running the job the last one was killed after
    (committed, not marked done) and dying after the next; then a normal run."""
    with Simulator(build_org()) as sim:
        ingest(tmp_path, sim, source, "job_done:1")
        pending = tmp_path / "pipelines" / f"kpibridge_{source}" / "load" / "normalized"
        [package] = pending.iterdir()
        jobs = len([f for f in package.glob("*_jobs/*") if f.suffix == ".parquet"])
        for _ in range(jobs - 1):
            ingest(tmp_path, sim, source, "job_done:2")
        _, results = ingest(tmp_path, sim, source, None)
    print(f"{source}: {jobs} load-job kill points, resumed exactly")
    assert_exact(tmp_path, source, results)
