"""The Jira source lands every record whatever the page sizes: forced pages of 2 everywhere
(more than one page of projects, boards and sprints; changelogs mostly through the bulk
endpoint; worklog ids two at a time), first run and incremental, no loss, no duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator import jira_api
from ingestion.simulator.expected import jira_rows
from ingestion.simulator.model import Org, Sprint
from ingestion.simulator.org import build_org, mutate_org
from ingestion.simulator.server import Simulator

TINY = 2
LOAD_COLUMNS = ("_dlt_load_id", "_dlt_id", "_dlt_parent_id", "_dlt_root_id")
# every Jira table with a key that identifies a row
KEYS = {
    "raw_jira.projects": "id",
    "raw_jira.versions": "id",
    "raw_jira.boards": "id",
    "raw_jira.sprints": "id",
    "raw_jira.issues": "id",
    "raw_jira.issue_changelogs": "id",
    "raw_jira.worklogs": "id",
}


@pytest.fixture
def tiny_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 2 where Jira takes no page size: histories in a search, worklog ids."""
    monkeypatch.setattr(jira_api, "EXPANDED_HISTORIES", TINY)
    monkeypatch.setattr(jira_api, "WORKLOG_IDS_PAGE", TINY)


@pytest.fixture
def sim(tiny_pages: None) -> Iterator[Simulator]:
    with Simulator(build_org()) as simulator:
        yield simulator


def _ingest(sim: Simulator, warehouse: Path, full_refresh: bool = False, **extra: Any) -> dict:
    settings = simulator_settings(sim.urls)
    settings["jira"] |= extra
    [result] = run_ingest(
        ["jira"], duckdb_path=warehouse, settings=settings, full_refresh=full_refresh
    )
    assert result.error is None
    return result.rows


def _counts(warehouse: Path, tables: list[str]) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def _distinct_keys(warehouse: Path) -> dict[str, int]:
    return _counts(warehouse, [f"(select distinct {k} from {t})" for t, k in KEYS.items()])


def _snapshot(warehouse: Path, table: str) -> list[tuple]:
    """Every row of a table without dlt's load columns. Of the sprints in the issues' sprint
    field only the ids: Jira does not touch an issue when its sprint closes, so the copy of
    the sprint there keeps its state until the issue changes (raw_jira.sprints has it)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [
            r[0] for r in con.execute(f"describe {table}").fetchall() if r[0] not in LOAD_COLUMNS
        ]
        if table == "raw_jira.issues__fields__customfield_10020":
            columns = ["id", "_dlt_list_idx"]
        select = ", ".join(f'"{c}"' for c in sorted(columns))
        return con.execute(f"select {select} from {table} order by all").fetchall()


def _change_jira(org: Org) -> dict[str, Any]:
    """Later reads of Jira see: issues moved on (with new changelog entries), a worklog added
    and one edited, the active sprint of the first board closed and a new one planned."""
    at = org.end + timedelta(days=1)
    changed = mutate_org(org, 3, at=at)
    issue = next(i for i in org.issues if i.worklogs)
    edited = issue.worklogs[0]
    edited.time_spent_seconds, edited.updated = 9000, at + timedelta(minutes=5)
    added = replace(
        edited, id="39999", time_spent_seconds=1800, created=at, updated=at + timedelta(minutes=6)
    )
    issue.worklogs.append(added)
    board = org.boards[0]
    active = next(s for s in org.sprints if s.board_id == board.id and s.state == "active")
    active.state, active.complete_date = "closed", at
    planned = Sprint(9999, board.id, "New sprint", "future", None, None, None, "new goal")
    org.sprints.append(planned)
    return {
        "issues": changed["jira_issues"],
        "worklog": (edited.id, 9000),
        "closed_sprint": active.id,
        "new_sprint": planned.id,
    }


def test_tiny_pages_land_every_record_once_first_run_and_incremental(
    sim: Simulator, tmp_path: Path
) -> None:
    org = sim.org
    assert len(org.projects) > TINY and len(org.boards) > TINY
    assert any(len(i.changelog) > TINY for i in org.issues)  # these need the bulk endpoint
    # /worklog/updated pages on time: pages of 2 advance only past distinct milliseconds
    times = [w.updated for i in org.issues for w in i.worklogs]
    assert len(times) == len(set(times))
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"

    _ingest(sim, incremental, page_size=TINY)
    expected = jira_rows(org)
    assert _counts(incremental, list(expected)) == expected
    assert _distinct_keys(incremental) == {
        f"(select distinct {k} from {t})": expected[t] for t, k in KEYS.items()
    }

    changes = _change_jira(org)
    rows = _ingest(sim, incremental, page_size=TINY)
    assert rows["issues"] == changes["issues"] == 3
    assert rows["worklogs"] == 2  # the edited and the added one
    expected = jira_rows(org)
    assert _counts(incremental, list(expected)) == expected
    # a fresh load of the changed org, in the endpoints' largest pages, is the reference
    _ingest(sim, full, full_refresh=True)
    for table in expected:
        assert _snapshot(incremental, table) == _snapshot(full, table), table
    with duckdb.connect(str(incremental), read_only=True) as con:
        sprint_states = dict(
            con.execute(
                "select id, state from raw_jira.sprints where id in (?, ?)",
                [changes["closed_sprint"], changes["new_sprint"]],
            ).fetchall()
        )
        worklog = con.execute(
            "select time_spent_seconds from raw_jira.worklogs where id = ?",
            [changes["worklog"][0]],
        ).fetchone()
    assert sprint_states == {changes["closed_sprint"]: "closed", changes["new_sprint"]: "future"}
    assert worklog == (changes["worklog"][1],)


def test_a_run_without_changes_reads_no_closed_sprint_and_loads_no_issue(
    sim: Simulator, tmp_path: Path
) -> None:
    warehouse = tmp_path / "jira.duckdb"
    _ingest(sim, warehouse)
    rows = _ingest(sim, warehouse)
    open_sprints = sum(1 for s in sim.org.sprints if s.state != "closed")
    assert rows.get("sprints") == open_sprints < len(sim.org.sprints)
    assert "issues" not in rows and "worklogs" not in rows and "issue_changelogs" not in rows


def test_boards_of_configured_projects_without_location(tmp_path: Path) -> None:
    """Atlassian's board payload need not say where the board is: the board is found by
    Jira's projectKeyOrId filter and keeps the project it was listed for."""
    with Simulator(build_org(), documented_fields_only=True) as sim:
        project = sim.org.projects[1]
        board = next(b for b in sim.org.boards if b.project_key == project.key)
        warehouse = tmp_path / "jira.duckdb"
        _ingest(sim, warehouse, projects=[project.key])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        boards = con.execute("select id, listed_for_project from raw_jira.boards").fetchall()
        columns = [r[0] for r in con.execute("describe raw_jira.boards").fetchall()]
        sprint_boards = con.execute("select distinct board_id from raw_jira.sprints").fetchall()
        issue_projects = con.execute(
            "select distinct fields__project__key from raw_jira.issues"
        ).fetchall()
    assert boards == [(board.id, project.key)]
    assert "location__project_key" not in columns
    assert sprint_boards == [(board.id,)]
    assert issue_projects == [(project.key,)]


@pytest.mark.parametrize("start_date", ["2026-01-01", "2026-01-01T00:00:00+02:00"])
def test_start_date_accepts_dates_and_timestamps(
    sim: Simulator, tmp_path: Path, start_date: str
) -> None:
    rows = _ingest(sim, tmp_path / "jira.duckdb", start_date=start_date)
    assert rows["issues"] == len(sim.org.issues)  # the org starts in May 2026


def test_a_wrong_start_date_fails_before_any_request(sim: Simulator, tmp_path: Path) -> None:
    settings = simulator_settings(sim.urls)
    settings["jira"]["start_date"] = "01/05/2026"
    [result] = run_ingest(["jira"], duckdb_path=tmp_path / "jira.duckdb", settings=settings)
    assert result.error is not None
    assert "sources.jira.start_date" in result.error
    assert "'01/05/2026'" in result.error
    assert "2026-01-01" in result.error  # an example of a right value
    assert sim.request_counts["jira"] == 0
