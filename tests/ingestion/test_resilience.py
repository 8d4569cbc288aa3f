"""Rate limits, secondary limits, server errors, resets, truncated and non-JSON bodies, bad
tokens and outages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.expected import expected_rows
from ingestion.simulator.faults import Faults
from ingestion.simulator.org import build_org, mutate_org
from ingestion.simulator.server import Simulator
from tests.conftest import Landed


def test_faults_mid_run_are_retried_and_the_result_is_complete(
    tmp_path: Path, waits: list[float]
) -> None:
    faults = Faults(
        rate_limit_every=29,
        secondary_limit_every=43,
        server_error_every=31,
        reset_every=37,
        truncate_every=41,
        invalid_json_every=47,
        html_every=53,
        slow_every=97,
        slow_seconds=0.05,
        retry_after_seconds=3,
    )
    warehouse = tmp_path / "faulty.duckdb"
    with Simulator(build_org(), faults=faults) as sim:
        results = run_ingest(duckdb_path=warehouse, settings=simulator_settings(sim.urls))
    assert [r.error for r in results] == [None, None, None]
    landed = Landed(sim.org, warehouse, results, dict(sim.request_counts))
    expected = expected_rows(sim.org)
    assert {table: landed.count(table) for table in expected} == expected
    # Retry-After (Jira, PagerDuty) and x-ratelimit-reset (GitHub) were honoured: 3 s, give
    # or take the second the reset epoch is rounded to
    assert sum(1 for w in waits if 2 <= w <= 3) >= sum(sim.request_counts.values()) // 29 - 3
    assert len(waits) >= sum(sim.request_counts.values()) // 29


@pytest.mark.parametrize(
    "source, key",
    [
        ("jira", "SOURCES__JIRA__API_TOKEN"),
        ("github", "SOURCES__GITHUB__ACCESS_TOKEN"),
        ("pagerduty", "SOURCES__PAGERDUTY__API_TOKEN"),
    ],
)
def test_bad_token_names_source_and_key_and_keeps_stored_data(
    landed: Landed, tmp_path: Path, source: str, key: str
) -> None:
    warehouse = tmp_path / "copy.duckdb"
    warehouse.write_bytes(landed.warehouse.read_bytes())
    before = Landed(landed.org, warehouse, [], {})
    tables = [t for t in expected_rows(landed.org) if t.startswith(f"raw_{source}.")]
    counts = {t: before.count(t) for t in tables}
    secret = "wrong-secret-value"
    with Simulator(build_org()) as sim:
        settings = simulator_settings(sim.urls)
        token_arg = {"jira": "api_token", "github": "access_token", "pagerduty": "api_token"}
        settings[source][token_arg[source]] = secret
        [result] = run_ingest(
            [source], duckdb_path=warehouse, settings=settings, pipelines_dir=tmp_path / "pipelines"
        )
    assert result.error is not None
    assert result.error.startswith(f"{source}: the API rejected the credentials (401")
    assert key in result.error
    assert secret not in result.error
    assert {t: before.count(t) for t in tables} == counts


def test_outage_of_one_api_fails_that_source_only(tmp_path: Path, waits: list[float]) -> None:
    with Simulator(build_org(), faults=Faults(outage={"github"})) as sim:
        results = run_ingest(
            duckdb_path=tmp_path / "w.duckdb", settings=simulator_settings(sim.urls)
        )
    errors = {r.source: r.error for r in results}
    assert errors["jira"] is None and errors["pagerduty"] is None
    assert errors["github"] is not None and "failed 6 times (last: HTTP 503)" in errors["github"]
    assert waits[:5] == [0.5, 1.0, 2.0, 4.0, 8.0]  # exponential back-off without Retry-After


def test_outage_in_the_middle_of_a_run_keeps_the_previous_load(
    tmp_path: Path, waits: list[float]
) -> None:
    """A run cut off half-way loads nothing and does not move the cursor: the next run
    picks the changes up as if the failed run had never happened."""
    warehouse, pipelines = tmp_path / "w.duckdb", tmp_path / "pipelines"
    faults = Faults(apis=set())
    org = build_org()
    with Simulator(org, faults=faults) as sim:
        settings = simulator_settings(sim.urls)
        run_ingest(["pagerduty"], duckdb_path=warehouse, settings=settings, pipelines_dir=pipelines)
        landed = Landed(org, warehouse, [], {})
        titles_before = landed.count("raw_pagerduty.incidents where title like '%postmortem%'")
        mutate_org(org, 5, at=org.end + timedelta(days=1))
        # the run reads the new log entries, then fails on the next request
        faults.outage_after = sim.request_counts["pagerduty"] + 1
        [failed] = run_ingest(
            ["pagerduty"], duckdb_path=warehouse, settings=settings, pipelines_dir=pipelines
        )
        assert failed.error is not None
        assert landed.count("raw_pagerduty.incidents") == len(org.incidents)
        assert (
            landed.count("raw_pagerduty.incidents where title like '%postmortem%'")
            == titles_before
            == 0
        )
        faults.outage_after = None
        [recovered] = run_ingest(
            ["pagerduty"], duckdb_path=warehouse, settings=settings, pipelines_dir=pipelines
        )
    assert recovered.error is None
    assert recovered.rows["incidents"] == 5
    assert landed.count("raw_pagerduty.incidents where title like '%postmortem%'") == 5
