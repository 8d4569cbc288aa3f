"""A failing seed test names the seed file, the line, the value and the fix."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import duckdb
import pytest

from ingestion.build import BuildError, build_warehouse

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken_seed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A dbt project whose one seed breaks an accepted_values and a not_null test."""
    for name in ("DBT_PROFILES_DIR", "DBT_SEND_ANONYMOUS_USAGE_STATS", "KPIBRIDGE_DUCKDB"):
        monkeypatch.setenv(name, "restored-after-test")
    monkeypatch.setenv("KPIBRIDGE_SALT", "seed-test-salt")
    project = tmp_path / "project"
    for folder in ("macros", "seeds"):
        (project / folder).mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: seedcheck\nversion: '1.0'\nconfig-version: 2\nprofile: seedcheck\n"
        "seeds:\n  seedcheck:\n    +schema: seeds\n"
    )
    (project / "profiles.yml").write_text(
        "seedcheck:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('KPIBRIDGE_DUCKDB') }}\"\n"
    )
    shutil.copy(REPO / "macros" / "generate_schema_name.sql", project / "macros")
    (project / "seeds" / "kpi_targets.csv").write_text(
        "team_key,kpi_id,direction\n"
        "payments,mttr,lower_is_better\n"
        "payments,mtta,downwards\n"
        ",cfr,lower_is_better\n"
        "mobile,mttr,lower_is_better\n"
    )
    (project / "seeds" / "_seeds.yml").write_text(
        textwrap.dedent(
            """
            version: 2
            seeds:
              - name: kpi_targets
                columns:
                  - name: team_key
                    data_tests: [not_null]
                  - name: direction
                    data_tests:
                      - accepted_values:
                          arguments: {values: [higher_is_better, lower_is_better]}
            """
        )
    )
    return project


def test_seed_test_failures_name_file_line_value_and_fix(
    tmp_path: Path, broken_seed_project: Path
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    duckdb.connect(str(warehouse)).close()
    with pytest.raises(BuildError) as failed:
        build_warehouse(
            warehouse, project_dir=broken_seed_project, marts_path=tmp_path / "marts.duckdb"
        )
    message = str(failed.value)
    assert (
        "seeds/kpi_targets.csv: line 3: direction = 'downwards'. "
        "Fix: use one of higher_is_better, lower_is_better, or add the new value to the test "
        "in seeds/_seeds.yml (test accepted_values)." in message
    )
    assert (
        "seeds/kpi_targets.csv: line 4: team_key = empty. Fix: fill in team_key "
        "(test not_null)." in message
    )
