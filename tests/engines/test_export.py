"""`kpibridge export DIR`: every published mart as parquet plus a manifest, readable by a plain
DuckDB or pyarrow client; and the published list itself comes from dbt (one place)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ingestion.cli import main
from ingestion.published import manifest_path, published_marts
from tests.conftest import Built


@pytest.fixture(scope="module")
def exported(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export") / "out"
    assert main(["export", "--format", "parquet", "--marts", str(built.marts), str(directory)]) == 0
    return directory


def test_export_writes_each_published_mart_and_nothing_else(exported: Path) -> None:
    names = {mart.name for mart in published_marts()}
    assert {path.stem for path in exported.glob("*.parquet")} == names
    assert {"kpi_values", "kpi_scorecard", "kpi_glossary", "teams"} <= names
    assert "dq_findings__kpis" not in names  # an internal part of data_quality_findings


def test_plain_duckdb_reads_the_same_rows_as_the_marts(exported: Path, built: Built) -> None:
    con = duckdb.connect()  # no project code: what a BI tool does
    for path in sorted(exported.glob("*.parquet")):
        parquet = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
        assert parquet == built.scalar(f'select count(*) from "{path.stem}"'), path.stem
    value = con.execute(
        f"select sum(value) from read_parquet('{exported / 'kpi_values.parquet'}')"
    ).fetchone()[0]
    assert value == pytest.approx(built.scalar("select sum(value) from kpi_values"), rel=1e-12)


def test_manifest_names_columns_types_and_dbt_descriptions(exported: Path) -> None:
    manifest = json.loads((exported / "manifest.json").read_text())
    marts = {mart["name"]: mart for mart in manifest["marts"]}
    kpi_values = marts["kpi_values"]
    schema = pq.read_schema(exported / kpi_values["file"])
    assert [c["name"] for c in kpi_values["columns"]] == schema.names
    types = {c["name"]: c["type"] for c in kpi_values["columns"]}
    assert types["value"] == "DOUBLE" and types["period_start"] == "DATE"
    assert kpi_values["rows"] == pq.read_metadata(exported / "kpi_values.parquet").num_rows
    assert kpi_values["description"].startswith("The long-format KPI table")
    documented = json.loads(manifest_path().read_text())["nodes"]["model.kpibridge.kpi_values"]
    for column in kpi_values["columns"]:
        expected = " ".join(documented["columns"][column["name"]]["description"].split())
        assert column["description"] == expected != "", column["name"]


def test_export_of_a_missing_marts_file_names_the_fix(tmp_path: Path, capsys) -> None:
    assert main(["export", "--marts", str(tmp_path / "none.duckdb"), str(tmp_path / "o")]) == 1
    assert "run `kpibridge build` first" in capsys.readouterr().err


def test_every_published_model_has_an_enforced_contract() -> None:
    nodes = json.loads(manifest_path().read_text())["nodes"].values()
    published = [n for n in nodes if "published" in n["tags"] and n["resource_type"] == "model"]
    assert len(published) == 12
    assert [n["name"] for n in published if not n["config"]["contract"]["enforced"]] == []


def test_withheld_per_item_marts_leave_an_earlier_export(built: Built, tmp_path: Path) -> None:
    """publish_item_marts = false: re-exporting into the same folder removes their files."""
    from ingestion.build import publish_marts

    directory = tmp_path / "out"
    assert main(["export", "--marts", str(built.marts), str(directory)]) == 0
    per_item = {mart.name for mart in published_marts() if mart.per_item}
    assert per_item == {
        "changes",
        "deployments",
        "incidents",
        "work_items",
        "data_quality_findings",
    }
    assert per_item <= {path.stem for path in directory.glob("*.parquet")}
    withheld = tmp_path / "marts.duckdb"
    publish_marts(built.warehouse, withheld, item_marts=False)
    assert main(["export", "--marts", str(withheld), str(directory)]) == 0
    files = {path.stem for path in directory.glob("*.parquet")}
    assert files == {mart.name for mart in published_marts()} - per_item
    manifest = json.loads((directory / "manifest.json").read_text())
    assert per_item.isdisjoint(mart["name"] for mart in manifest["marts"])
