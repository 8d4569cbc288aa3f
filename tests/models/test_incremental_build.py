"""Incremental models: after a changed load they hold what a full refresh computes, and a
change of seeds, vars or code makes `kpibridge build` recompute them in full."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.build import REPO_ROOT, _build_incrementally, build_warehouse
from ingestion.build_fingerprint import project_fingerprint, raw_loads
from ingestion.simulator.org import build_org
from ingestion.simulator.seeds import project_with_seeds
from ingestion.simulator.server import Simulator
from tests.conftest import (
    INCREMENTAL_MODELS,
    OrgChange,
    build_log,
    change_org,
    dbt_seed_teams_by_hand,
    ingest_from,
)
from tests.engines.engine_support import KPI_VALUES_SQL, differences

FULL_REFRESH_LOGGED = "dbt build --full-refresh"


def _build(warehouse: Path, vars_: dict[str, object], project: Path = REPO_ROOT) -> None:
    build_warehouse(
        warehouse,
        marts_path=warehouse.with_suffix(".marts.duckdb"),
        project_dir=project,
        dbt_vars=vars_,
    )


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _table(warehouse: Path, model: str) -> list[tuple]:
    return _rows(warehouse, f"select * from intermediate.{model} order by all")


@pytest.fixture(scope="module")
def incremental(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, dict, list[str], OrgChange]:
    """A warehouse built, then changed (tests.conftest.change_org) and built again
    incrementally; beside it a copy of the changed warehouse with no fingerprint, which the
    build refreshes in full. Returns both, the vars, the log of the incremental build and the
    change."""
    folder = tmp_path_factory.mktemp("incremental")
    warehouse, reference = folder / "kpibridge.duckdb", folder / "reference.duckdb"
    org = build_org()
    vars_ = {
        "kpi_as_of_date": org.end.date().isoformat(),
        "require_every_kpi_computed": True,
        "allow_demo_salt": True,
    }
    with Simulator(org) as sim:
        assert not [r.error for r in ingest_from(sim, warehouse) if r.error]
        _build(warehouse, vars_)
        change = change_org(org)
        assert not [r.error for r in ingest_from(sim, warehouse) if r.error]
    shutil.copy(warehouse, reference)
    with duckdb.connect(str(reference)) as con:
        con.execute("delete from kpibridge_state.build_fingerprint")
    with build_log() as messages:
        _build(warehouse, vars_)
    _build(reference, vars_)
    return warehouse, reference, vars_, messages, change


def test_incremental_build_equals_full_refresh(incremental: tuple) -> None:
    warehouse, reference, _, messages, change = incremental
    assert not [m for m in messages if FULL_REFRESH_LOGGED in m], messages
    # the changed issues (the 10 mutate_org moved on, the one made a Bug) were recomputed from
    # the second load's rows
    assert _rows(
        warehouse,
        "select count(distinct source_load_id), count(distinct issue_id) filter "
        "(where source_load_id = (select max(source_load_id) "
        "from intermediate.int_issue_status_intervals)) "
        "from intermediate.int_issue_status_intervals",
    ) == [(2, 11)]
    # the issues naming the moved fix version changed though none of their rows did; the
    # renamed default branch left its repository without deployments; one more deployment
    assert _rows(warehouse, change.effects_sql()) == [change.effects]
    for model in INCREMENTAL_MODELS:
        incremental_rows, full_rows = _table(warehouse, model), _table(reference, model)
        assert incremental_rows, model
        assert incremental_rows == full_rows, model
    kpi_sql = KPI_VALUES_SQL.format(relation="marts.kpi_values")
    assert differences(_rows(reference, kpi_sql), _rows(warehouse, kpi_sql)) == []


def test_changed_seed_rebuilds_in_full(incremental: tuple, tmp_path: Path) -> None:
    """'In Progress' becomes a waiting stage: every issue's intervals show it, not only those
    of the issues loaded since the last build."""
    warehouse, reference, vars_, _, _ = incremental
    in_progress_stages = (
        "select stage, count(distinct issue_id) from intermediate.int_issue_status_intervals "
        "where status_name = 'In Progress' group by stage"
    )
    [(stage, issues)] = _rows(reference, in_progress_stages)
    assert stage == "active"
    project = project_with_seeds(build_org(), REPO_ROOT, tmp_path / "project")
    stages = project / "seeds" / "jira_status_stages.csv"
    stages.write_text(stages.read_text().replace("In Progress,active", "In Progress,waiting"))
    _build(warehouse, vars_, project)
    assert _rows(warehouse, in_progress_stages) == [("waiting", issues)]


def test_fingerprint_follows_code_seeds_and_vars(tmp_path: Path) -> None:
    project = project_with_seeds(build_org(), REPO_ROOT, tmp_path / "project")
    vars_ = {"kpi_as_of_date": "2026-11-01"}
    first = project_fingerprint(project, vars_)
    assert project_fingerprint(project, dict(vars_)) == first
    assert project_fingerprint(project, {**vars_, "high_urgency_values": ["p1"]}) != first
    seed = project / "seeds" / "service_catalog.csv"
    seed.write_text(seed.read_text() + "\n")
    after_seed = project_fingerprint(project, vars_)
    assert after_seed != first
    model = project / "models" / "intermediate" / "reliability" / "int_incidents_enriched.sql"
    model.write_text(model.read_text() + "\n-- edited\n")
    assert project_fingerprint(project, vars_) != after_seed


def test_rows_of_an_unfinished_load_are_named(tmp_path: Path) -> None:
    """dlt commits a load table by table: rows of load 3 landed, load 3 not finished."""
    warehouse = tmp_path / "raw.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw_jira")
        con.execute("create table raw_jira._dlt_loads (load_id varchar, status bigint)")
        con.execute("insert into raw_jira._dlt_loads values ('1.0', 0), ('2.0', 0)")
        con.execute("create table raw_jira.issues (id bigint, _dlt_load_id varchar)")
        con.execute("create table raw_jira.issue_changelogs (id bigint, _dlt_load_id varchar)")
        con.execute("insert into raw_jira.issues values (1, '1.0'), (2, '3.0')")
        con.execute("insert into raw_jira.issue_changelogs values (1, '2.0')")
        # dlt's state row of a load abandoned for good: no model reads it
        con.execute("create table raw_jira._dlt_pipeline_state (_dlt_load_id varchar)")
        con.execute("insert into raw_jira._dlt_pipeline_state values ('0.5')")
        # a table outside the raw datasets is not dlt's
        con.execute("create schema staging")
        con.execute("create table staging.issues (id bigint, _dlt_load_id varchar)")
        con.execute("insert into staging.issues values (9, '9.0')")
    assert raw_loads(warehouse).unfinished == ["raw_jira.issues"]
    assert raw_loads(warehouse).finished == {"1.0", "2.0"}
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw_jira._dlt_loads values ('3.0', 0)")
    assert raw_loads(warehouse).unfinished == []


def test_a_dbt_run_by_hand_forgets_the_fingerprint(tmp_path: Path) -> None:
    """Rows a hand-run dbt computes (other vars, other SQL) must not pass for the last
    `kpibridge build`'s: the next build then recomputes in full."""
    warehouse = tmp_path / "kpibridge.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema kpibridge_state")
        con.execute("create table kpibridge_state.build_fingerprint (fingerprint varchar)")
        con.execute("insert into kpibridge_state.build_fingerprint values ('of the last build')")
    seeded = dbt_seed_teams_by_hand(tmp_path, "a-long-random-secret")
    assert seeded.returncode == 0, seeded.stdout
    assert _rows(warehouse, "select * from kpibridge_state.build_fingerprint") == []


@pytest.mark.parametrize("load_during_build", [False, True])
def test_a_load_during_the_build_keeps_the_next_build_full(
    tmp_path: Path, load_during_build: bool
) -> None:
    """On PostgreSQL nothing locks an ingest out of a build: a load that finishes while dbt
    runs may have been read in part, so the build stores no fingerprint (the same check runs
    on DuckDB, where the lock makes it a no-op)."""
    warehouse = tmp_path / "kpibridge.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw_jira")
        con.execute("create table raw_jira._dlt_loads (load_id varchar, status bigint)")
        con.execute("insert into raw_jira._dlt_loads values ('1.0', 0)")
        con.execute("create table raw_jira.issues (id bigint, _dlt_load_id varchar)")
        con.execute("insert into raw_jira.issues values (1, '1.0')")

    def dbt_meanwhile_a_load(commands: list[list[str]]) -> None:
        assert [args[0] for args in commands] == ["seed", "build"]
        if load_during_build:
            with duckdb.connect(str(warehouse)) as con:
                con.execute("insert into raw_jira.issues values (2, '2.0')")
                con.execute("insert into raw_jira._dlt_loads values ('2.0', 0)")

    _build_incrementally([], [], "ab12", warehouse, dbt_meanwhile_a_load)
    stored = _rows(warehouse, "select fingerprint from kpibridge_state.build_fingerprint")
    assert stored == ([] if load_during_build else [("ab12",)])
