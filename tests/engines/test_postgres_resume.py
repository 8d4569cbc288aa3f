"""A load killed after its jobs committed on PostgreSQL, resumed by the next ingest, lands
every row once: the rows of the started jobs are deleted before dlt runs them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from tests.ingestion.test_kill_resume import assert_exact, ingest

pytestmark = pytest.mark.postgres


def test_a_killed_load_on_postgres_resumes_exactly(
    postgres: dict[str, object], tmp_path: Path
) -> None:
    with Simulator(build_org()) as sim:
        # a full refresh: the server may hold another test's org (and its pipeline state)
        ingest(tmp_path, sim, "pagerduty", "job_done:3", full_refresh=True, target="postgres")
        ingest(tmp_path, sim, "pagerduty", "job_done:2", target="postgres")
        _, results = ingest(tmp_path, sim, "pagerduty", None, target="postgres")
    assert_exact(tmp_path, "pagerduty", results, target="postgres")
