"""PagerDuty: incidents and the account's log entries land completely at any page size and
date range, and later runs catch every change to old incidents through the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator import pagerduty_api
from ingestion.simulator.expected import pagerduty_rows
from ingestion.simulator.model import Incident, LogEntry, Org
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from ingestion.sources import pagerduty
from ingestion.sources.dates import parse_start_date

LOAD_COLUMNS = ("_dlt_load_id", "_dlt_id", "_dlt_parent_id", "_dlt_root_id")


def _rows(warehouse: Path, org: Org) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
            for table in pagerduty_rows(org)
        }


def _snapshot(warehouse: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = sorted(
            row[0]
            for row in con.execute(f"describe {table}").fetchall()
            if row[0] not in LOAD_COLUMNS
        )
        select = ", ".join(f'"{c}"' for c in columns)
        return con.execute(f"select {select} from {table} order by id").fetchall()


def test_tiny_pages_and_split_windows_land_every_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of 2 records, and an offset cap of 20 on both sides: every date window holding
    more than the cap is halved until it fits (the simulator answers 400 past the cap)."""
    monkeypatch.setattr(pagerduty, "MAX_OFFSET", 20)
    monkeypatch.setattr(pagerduty_api, "MAX_OFFSET", 20)
    org = build_org()
    warehouse = tmp_path / "w.duckdb"
    with Simulator(org) as sim:
        settings = simulator_settings(sim.urls)
        settings["pagerduty"]["page_size"] = 2
        [result] = run_ingest(["pagerduty"], duckdb_path=warehouse, settings=settings)
        by_endpoint = {
            route: n
            for (api, route), n in sim.request_counts_by_endpoint.items()
            if api == "pagerduty"
        }
    assert result.error is None
    assert _rows(warehouse, org) == pagerduty_rows(org)
    # 270 log entries in pages of 2 need at least 135 requests; no per-incident endpoint is read
    assert by_endpoint["/log_entries"] >= 135
    assert set(by_endpoint) == {"/incidents", "/log_entries", "/services", "/teams", "/priorities"}


def _reopen(incident: Incident) -> None:
    """The incident as it was while still triggered: no acknowledgement, no resolution yet."""
    incident.log_entries = [e for e in incident.log_entries if e.type == "trigger_log_entry"]
    incident.acknowledged_at = incident.resolved_at = None


def _log(incident: Incident, kind: str, at: datetime, note: str | None = None) -> None:
    n = len(incident.log_entries)
    incident.log_entries.append(
        LogEntry(f"{incident.id}X{n}", kind, at, kind, "PU00001", note)  # type: ignore[arg-type]
    )
    incident.updated_at = at


def _oldest(org: Org, n: int) -> list[Incident]:
    return sorted(org.incidents, key=lambda i: i.created_at)[:n]


def test_changes_to_old_incidents_are_all_caught_and_equal_a_full_refresh(tmp_path: Path) -> None:
    org = build_org()
    acknowledged, resolved, annotated = (
        _oldest(org, 6)[0:2],
        _oldest(org, 6)[2:4],
        _oldest(org, 6)[4:6],
    )
    for incident in acknowledged + resolved:
        _reopen(incident)
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    with Simulator(org) as sim:
        settings = simulator_settings(sim.urls)
        [first] = run_ingest(["pagerduty"], duckdb_path=incremental, settings=settings)
        assert first.error is None
        # months after these incidents were created, and after the first run's newest entry
        at = org.end + timedelta(days=1)
        for incident in acknowledged:
            _log(incident, "acknowledge_log_entry", at)
            incident.acknowledged_at = at
        for incident in resolved:
            _log(incident, "resolve_log_entry", at)
            incident.resolved_at = at
        for incident in annotated:
            _log(incident, "annotate_log_entry", at, note="customer impact confirmed")
        before = sim.request_counts_by_endpoint.copy()
        [second] = run_ingest(["pagerduty"], duckdb_path=incremental, settings=settings)
        requests = sim.request_counts_by_endpoint - before
        [refreshed] = run_ingest(
            ["pagerduty"], duckdb_path=full, settings=settings, full_refresh=True
        )
    assert second.error is None and refreshed.error is None
    assert first.rows["incidents"] == len(org.incidents)
    # the six changed incidents and their six new entries, nothing else
    assert second.rows["incidents"] == 6
    assert second.rows["incident_log_entries"] == 6
    with duckdb.connect(str(incremental), read_only=True) as con:
        statuses = dict(
            con.execute(
                "select id, status from raw_pagerduty.incidents where id in (?, ?, ?, ?)",
                [i.id for i in acknowledged + resolved],
            ).fetchall()
        )
    assert statuses == {acknowledged[0].id: "acknowledged", acknowledged[1].id: "acknowledged"} | {
        resolved[0].id: "resolved",
        resolved[1].id: "resolved",
    }
    # one page of new log entries with their incidents embedded, and the small dimensions
    assert dict(requests) == {
        ("pagerduty", "/log_entries"): 1,
        ("pagerduty", "/services"): 1,
        ("pagerduty", "/teams"): 1,
        ("pagerduty", "/priorities"): 1,
    }
    for table in ("raw_pagerduty.incidents", "raw_pagerduty.incident_log_entries"):
        assert _snapshot(incremental, table) == _snapshot(full, table), table


def test_start_date_limits_the_first_load_and_keeps_incidents_changed_after_it(
    tmp_path: Path,
) -> None:
    org = build_org()
    # while the 41st incident was open
    open_one = sorted(org.incidents, key=lambda i: i.created_at)[40]
    start = open_one.created_at + (open_one.log_entries[-1].created_at - open_one.created_at) / 2
    start = start.replace(microsecond=0)
    # created before the start, resolved after it: fetched by id because the log names it
    straddling = {
        i.id for i in org.incidents if i.created_at < start <= i.log_entries[-1].created_at
    }
    created_after = {i.id for i in org.incidents if i.created_at >= start}
    warehouse = tmp_path / "w.duckdb"
    with Simulator(org) as sim:
        settings = simulator_settings(sim.urls)
        settings["pagerduty"]["start_date"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        [result] = run_ingest(["pagerduty"], duckdb_path=warehouse, settings=settings)
        by_id = sim.request_counts_by_endpoint[("pagerduty", "/incidents/(?P<id>[^/]+)")]
    assert result.error is None
    assert open_one.id in straddling and created_after
    with duckdb.connect(str(warehouse), read_only=True) as con:
        landed = {
            row[0] for row in con.execute("select id from raw_pagerduty.incidents").fetchall()
        }
    assert landed == created_after | straddling
    assert by_id == len(straddling)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T05:30:00Z", datetime(2026, 1, 1, 5, 30, tzinfo=UTC)),
        ("2026-01-01T05:30:00+02:00", datetime(2026, 1, 1, 3, 30, tzinfo=UTC)),
        ("2026-01-01T05:30:00", datetime(2026, 1, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_start_date_accepts_dates_and_iso_times(value: str, expected: datetime) -> None:
    assert parse_start_date(value, "sources.pagerduty.start_date") == expected


def test_a_wrong_start_date_fails_naming_key_value_and_example(tmp_path: Path) -> None:
    with Simulator(build_org()) as sim:
        settings = simulator_settings(sim.urls)
        settings["pagerduty"]["start_date"] = "01/02/2026"
        [result] = run_ingest(["pagerduty"], duckdb_path=tmp_path / "w.duckdb", settings=settings)
        requests = sim.request_counts["pagerduty"]
    assert result.error == (
        "sources.pagerduty.start_date = '01/02/2026' is not a date (set in .dlt/config.toml or "
        "SOURCES__PAGERDUTY__START_DATE): write YYYY-MM-DD or an ISO 8601 timestamp, "
        "e.g. 2026-01-01, 2026-01-01T09:00:00 or 2026-01-01T09:00:00+02:00"
    )
    assert requests == 0
