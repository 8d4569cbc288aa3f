"""Engine choice and the lake layout, without starting an engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.cli import main
from ingestion.engines import EngineError, check_incremental, lake_tables, prepare_engine


def test_unknown_target_names_the_choices(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("KPIBRIDGE_TARGET", "oracle")
    assert main(["ingest", "--source", "jira"]) == 2
    err = capsys.readouterr().err
    assert "unknown target 'oracle'" in err and "duckdb, postgres, spark" in err


def test_lake_tables_lists_table_folders_with_data_and_dlt_loads(tmp_path: Path) -> None:
    for folder, file in [
        ("raw_jira/issues", "1.a.parquet"),
        ("raw_jira/issues__fields__labels", "1.b.parquet"),
        ("raw_jira/_dlt_loads", "jira__1.jsonl"),
        ("raw_jira/_dlt_version", "jira__1.jsonl"),
        ("raw_jira/worklogs", "notes.txt"),
        ("other/issues", "1.a.parquet"),
    ]:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / file).write_text("")
    assert lake_tables(tmp_path) == {
        "raw_jira": {"_dlt_loads": "json", "issues": "parquet", "issues__fields__labels": "parquet"}
    }


def test_spark_refuses_an_incremental_load_into_existing_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPIBRIDGE_LAKE", str(tmp_path))
    check_incremental("spark", "raw_jira")  # nothing landed yet: a first load is fine
    (tmp_path / "raw_jira").mkdir()
    with pytest.raises(EngineError, match="--full-refresh"):
        check_incremental("spark", "raw_jira")
    check_incremental("duckdb", "raw_jira")  # merges on primary keys


def test_spark_vars_point_dbt_at_the_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark", reason="uv sync --extra spark")
    monkeypatch.setenv("KPIBRIDGE_LAKE", str(tmp_path / "lake"))
    monkeypatch.setenv("KPIBRIDGE_SPARK_DIR", str(tmp_path / "spark"))
    (tmp_path / "lake" / "raw_github" / "deployments").mkdir(parents=True)
    (tmp_path / "lake" / "raw_github" / "deployments" / "1.a.parquet").write_text("")
    assert prepare_engine("spark") == {
        "lake_root": (tmp_path / "lake").as_posix(),
        "lake_tables": {"raw_github": {"deployments": "parquet"}},
    }
    assert prepare_engine("postgres") == {}
