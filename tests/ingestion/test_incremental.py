"""A second run loads only what changed, and ends with the same data as a full refresh."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.org import build_org, mutate_org
from ingestion.simulator.server import Simulator

# columns that legitimately differ between two loads of the same data
LOAD_COLUMNS = ("_dlt_load_id", "_dlt_id", "_dlt_parent_id", "_dlt_root_id")
COMPARED = {
    "raw_jira.issues": "id",
    "raw_jira.issue_changelogs": "id",
    "raw_github.pull_requests": "id",
    "raw_pagerduty.incidents": "id",
}


def _snapshot(warehouse: Path, table: str, key: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [
            row[0]
            for row in con.execute(f"describe {table}").fetchall()
            if row[0] not in LOAD_COLUMNS
        ]
        select = ", ".join(f'"{c}"' for c in sorted(columns))
        return con.execute(f"select {select} from {table} order by {key}").fetchall()


def test_second_run_loads_only_changes_and_equals_full_refresh(tmp_path: Path) -> None:
    org = build_org()
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    with Simulator(org) as sim:
        settings = simulator_settings(sim.urls)
        first = run_ingest(duckdb_path=incremental, settings=settings)
        assert not [r.error for r in first if r.error]

        changed = mutate_org(org, 5, at=org.end + timedelta(days=1))
        second = run_ingest(duckdb_path=incremental, settings=settings)
        refreshed = run_ingest(duckdb_path=full, settings=settings, full_refresh=True)

    rows = {r.source: r.rows for r in second}
    assert rows["jira"].get("issues") == changed["jira_issues"] == 5
    assert rows["github"].get("pull_requests") == changed["github_pull_requests"] == 5
    assert rows["pagerduty"].get("incidents") == changed["pagerduty_incidents"] == 5
    assert "deployments" not in rows["github"]  # nothing changed there
    assert not [r.error for r in refreshed if r.error]
    for table, key in COMPARED.items():
        assert _snapshot(incremental, table, key) == _snapshot(full, table, key), table
