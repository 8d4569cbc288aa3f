"""ingestion.build: dbt failures name their nodes; publishing swaps in a complete new file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from ingestion.build import REPO_ROOT as REPO
from ingestion.build import BuildError, build_warehouse, publish_marts, run_dbt


def make_warehouse(path: Path, deploys: int) -> Path:
    """A warehouse as dbt leaves it: marts + seeds schemas, plus tables that must not leak."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists seeds")
        con.execute("create schema if not exists staging")
        con.execute("create or replace table marts.kpi_values(team_key varchar, value double)")
        con.execute("insert into marts.kpi_values values ('payments', ?)", [float(deploys)])
        con.execute("create or replace table marts.kpi_glossary(kpi_id varchar)")
        con.execute("insert into marts.kpi_glossary values ('deployment_frequency')")
        con.execute("create or replace table seeds.teams(team_key varchar)")
        con.execute("insert into seeds.teams values ('payments'), ('mobile')")
        con.execute("create or replace table seeds.work_categories(match_value varchar)")
        con.execute("create or replace table staging.stg_secret(author_key varchar)")
    return path


def read_value(path: Path) -> float:
    """Read kpi_values in a fresh process: DuckDB caches open files per process."""
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print(c.execute('select value from kpi_values').fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    return float(out.stdout)


def test_publish_copies_marts_and_app_seeds_only(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh.duckdb", deploys=3)
    marts = tmp_path / "out" / "marts.duckdb"

    tables = publish_marts(warehouse, marts)

    assert tables == ["kpi_glossary", "kpi_values", "teams"]
    with duckdb.connect(str(marts), read_only=True) as con:
        listed = con.execute(
            "select table_schema, table_name from information_schema.tables order by 2"
        ).fetchall()
        teams = con.execute("select count(*) from teams").fetchone()
    assert listed == [("main", "kpi_glossary"), ("main", "kpi_values"), ("main", "teams")]
    assert teams == (2,)
    assert sorted(p.name for p in marts.parent.iterdir()) == ["marts.duckdb"]


def test_reader_of_old_file_keeps_working_during_publish(tmp_path: Path) -> None:
    marts = tmp_path / "marts.duckdb"
    publish_marts(make_warehouse(tmp_path / "v1.duckdb", deploys=3), marts)
    reader = duckdb.connect(str(marts), read_only=True)
    assert reader.execute("select value from kpi_values").fetchone() == (3.0,)

    publish_marts(make_warehouse(tmp_path / "v2.duckdb", deploys=7), marts)

    # the open reader still sees its complete old snapshot; a new reader sees the new build
    assert reader.execute("select value from kpi_values").fetchone() == (3.0,)
    assert read_value(marts) == 7.0
    reader.close()


def test_publish_refuses_a_warehouse_without_kpi_marts(tmp_path: Path) -> None:
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    marts = tmp_path / "marts.duckdb"
    publish_marts(make_warehouse(tmp_path / "v1.duckdb", deploys=3), marts)

    with pytest.raises(BuildError, match="no 'marts' KPI marts"):
        publish_marts(warehouse, marts)

    assert read_value(marts) == 3.0  # the previous publish is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "empty.duckdb",
        "marts.duckdb",
        "v1.duckdb",
    ]


def test_build_names_the_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"nowhere\.duckdb does not exist.*kpibridge ingest"):
        build_warehouse(duckdb_path=tmp_path / "nowhere.duckdb", marts_path=tmp_path / "m.duckdb")


@pytest.fixture
def tiny_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal dbt project using the repo's schema naming: one seed, one mart."""
    for name in ("DBT_PROFILES_DIR", "DBT_SEND_ANONYMOUS_USAGE_STATS", "KPIBRIDGE_DUCKDB"):
        monkeypatch.setenv(name, "restored-after-test")
    monkeypatch.setenv("KPIBRIDGE_SALT", "tiny-project-salt")
    project = tmp_path / "tiny"
    for folder in ("models", "macros", "seeds"):
        (project / folder).mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: tiny\n"
        "models:\n  tiny:\n    +schema: marts\n    +tags: [published]\n"
        "seeds:\n  tiny:\n    +schema: seeds\n    +tags: [published]\n"
    )
    (project / "profiles.yml").write_text(
        textwrap.dedent(
            """
            tiny:
              target: dev
              outputs:
                dev:
                  type: duckdb
                  path: "{{ env_var('KPIBRIDGE_DUCKDB') }}"
            """
        )
    )
    shutil.copy(REPO / "macros" / "generate_schema_name.sql", project / "macros")
    (project / "seeds" / "teams.csv").write_text("team_key\npayments\nmobile\n")
    (project / "models" / "kpi_values.sql").write_text(
        "select team_key, {{ var('value', 1.0) }} as value from {{ ref('teams') }}"
    )
    return project


def test_build_then_publish_in_one_process(tmp_path: Path, tiny_project: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    duckdb.connect(str(warehouse)).close()
    marts = tmp_path / "marts.duckdb"

    build_warehouse(
        duckdb_path=warehouse,
        project_dir=tiny_project,
        marts_path=marts,
        dbt_vars={"value": 4.0},
    )
    # a second build while the first publish is open for reading: dbt's handle must be released
    reader = duckdb.connect(str(marts), read_only=True)
    build_warehouse(duckdb_path=warehouse, project_dir=tiny_project, marts_path=marts)

    # the open reader keeps its snapshot (vars value 4.0); the new file has the default 1.0
    assert reader.execute("select sum(value) from kpi_values").fetchone() == (8.0,)
    assert read_value(marts) == 1.0
    reader.close()


def test_dbt_failure_names_the_failing_nodes(tmp_path: Path, tiny_project: Path) -> None:
    (tiny_project / "models" / "bad.sql").write_text("select * from table_that_does_not_exist")

    with pytest.raises(BuildError) as failure:
        run_dbt(["build"], tmp_path / "wh.duckdb", tiny_project)

    assert "model.tiny.bad (error)" in str(failure.value)
    assert "model.tiny.kpi_values" not in str(failure.value)
