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

import duckdb
import pytest

from ingestion.simulator.expected import expected_rows
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator

REPO_ROOT = Path(__file__).resolve().parents[2]
KILLED = -9
# a kill mid-extract, one before normalizing, then load-job boundaries of the pending package
CHAIN = ("request:40", "normalize:1", "job_done:3", "job_start:2", "job_done:2", "job_done:2")


def ingest(
    tmp_path: Path, sim: Simulator, source: str, kill: str | None, full_refresh: bool = False
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


def raw_counts(warehouse: Path, source: str) -> dict[str, int]:
    tables = [t for t in expected_rows(build_org()) if t.startswith(f"raw_{source}.")]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def duplicate_keys(warehouse: Path, pipelines: Path, source: str) -> dict[str, int]:
    """Rows beyond the first per primary key (from dlt's schema) and per `_dlt_id`."""
    [schema_file] = (pipelines / f"kpibridge_{source}" / "schemas").glob("*.schema.json")
    tables = json.loads(schema_file.read_text())["tables"]
    found = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, table in tables.items():
            if name.startswith("_dlt"):
                continue
            keys = [c for c, col in table["columns"].items() if col.get("primary_key")]
            for key in (keys, ["_dlt_id"]):
                if not key:
                    continue
                columns = ", ".join(f'"{c}"' for c in key)
                extra = con.execute(
                    f"select count(*) - count(distinct ({columns})) from raw_{source}.{name}"
                ).fetchone()[0]
                if extra:
                    found[f"{name}({columns})"] = extra
    return found


@pytest.mark.parametrize("source", ["github", "jira"])
def test_kills_at_every_step_then_a_normal_run_load_exactly(tmp_path: Path, source: str) -> None:
    expected = {
        t: n for t, n in expected_rows(build_org()).items() if t.startswith(f"raw_{source}.")
    }
    with Simulator(build_org()) as sim:
        for kill in CHAIN:
            ingest(tmp_path, sim, source, kill)
        _, results = ingest(tmp_path, sim, source, None)
    # the pending package is finished and reported first, then the requested run happens
    assert [(r["resumed"], r["error"]) for r in results] == [(True, None), (False, None)]
    assert {t: results[0]["rows"].get(t.split(".")[1]) for t in expected} == expected
    assert raw_counts(tmp_path / "kpibridge.duckdb", source) == expected
    assert duplicate_keys(tmp_path / "kpibridge.duckdb", tmp_path / "pipelines", source) == {}


def test_a_killed_full_refresh_is_finished_by_the_next_normal_run(tmp_path: Path) -> None:
    expected = {t: n for t, n in expected_rows(build_org()).items() if t.startswith("raw_jira.")}
    with Simulator(build_org()) as sim:
        ingest(tmp_path, sim, "jira", None)
        ingest(tmp_path, sim, "jira", "job_done:4", full_refresh=True)
        ingest(tmp_path, sim, "jira", "job_done:2")
        _, results = ingest(tmp_path, sim, "jira", None)
    assert [(r["resumed"], r["error"]) for r in results] == [(True, None), (False, None)]
    assert raw_counts(tmp_path / "kpibridge.duckdb", "jira") == expected
    assert duplicate_keys(tmp_path / "kpibridge.duckdb", tmp_path / "pipelines", "jira") == {}
