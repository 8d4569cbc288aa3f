"""What PostgreSQL keeps between runs: a load killed after its jobs committed, resumed by the
next ingest, lands every row once (the rows of the started jobs are deleted before dlt runs
them again); a dbt run by hand forgets the build fingerprint kept on the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.engines import connect
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from tests.conftest import dbt_seed_teams_by_hand
from tests.ingestion.test_kill_resume import assert_exact, ingest

pytestmark = pytest.mark.postgres


def test_a_killed_load_on_postgres_resumes_exactly(
    postgres: dict[str, object], tmp_path: Path
) -> None:
    """Killed once after dlt's pipeline-state job committed (it is written as SQL insert
    values, not csv), then after data jobs committed; then a normal run."""
    with Simulator(build_org()) as sim:
        # a full refresh: the server may hold another test's org (and its pipeline state)
        ingest(tmp_path, sim, "pagerduty", "state_done:1", full_refresh=True, target="postgres")
        ingest(tmp_path, sim, "pagerduty", "job_done:2", target="postgres")
        ingest(tmp_path, sim, "pagerduty", "job_done:2", target="postgres")
        _, results = ingest(tmp_path, sim, "pagerduty", None, target="postgres")
    assert_exact(tmp_path, "pagerduty", results, target="postgres")


def test_a_dbt_run_by_hand_forgets_the_fingerprint_on_the_server(
    postgres: dict[str, object], tmp_path: Path
) -> None:
    unused = tmp_path / "unused.duckdb"
    with connect("postgres", unused) as query:
        query("create schema if not exists kpibridge_state")
        query("create table if not exists kpibridge_state.build_fingerprint (fingerprint varchar)")
        query("insert into kpibridge_state.build_fingerprint values ('of the last build')")
    seeded = dbt_seed_teams_by_hand(tmp_path, "a-long-random-secret", "--target", "postgres")
    assert seeded.returncode == 0, seeded.stdout
    with connect("postgres", unused) as query:
        assert query("select * from kpibridge_state.build_fingerprint") == []
