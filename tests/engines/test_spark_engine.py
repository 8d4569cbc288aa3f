"""The simulator org landed as parquet and built on Spark (dbt-spark, local session) gives the
same kpi_values as on DuckDB, row for row."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.build import build_warehouse
from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from tests.conftest import Built
from tests.engines.conftest import require_engine
from tests.engines.engine_support import (
    FINDINGS_SQL,
    KPI_VALUES_SQL,
    differences,
    in_one_order,
    warehouse_count,
)

# landing and building a whole org on another engine, beside the DuckDB build it is compared with
# ingest + seeds + models on Spark take ~5 minutes on 2 cores
pytestmark = [pytest.mark.spark, pytest.mark.timeout(2400)]


@pytest.fixture(scope="module")
def spark_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`kpibridge ingest --target spark` + `kpibridge build --target spark` in a scratch lake."""
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        require_engine("no Java runtime for pyspark (apt-get install openjdk-17-jre-headless)")
    pytest.importorskip("pyspark", reason="uv sync --extra spark")
    folder = tmp_path_factory.mktemp("spark")
    environment = {"KPIBRIDGE_LAKE": str(folder / "lake"), "KPIBRIDGE_SPARK_DIR": str(folder)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        with Simulator(build_org()) as sim:
            results = run_ingest(
                duckdb_path=folder / "unused.duckdb",
                settings=simulator_settings(sim.urls),
                pipelines_dir=folder / "pipelines",
                full_refresh=True,
                target="spark",
            )
        assert [r.error for r in results if r.error] == []
        # models only: the 410 data and unit tests run on DuckDB and PostgreSQL and would add
        # ~5 minutes here (one Spark job each); `kpibridge build --target spark` runs them
        patch.setenv("DBT_INDIRECT_SELECTION", "empty")  # tests of selected models stay out
        build_warehouse(
            folder / "unused.duckdb",
            select="resource_type:model",
            dbt_vars={"kpi_as_of_date": sim.org.end.date().isoformat(), "allow_demo_salt": True},
            target="spark",
        )
    yield folder
    # the session dbt-spark started (and its JVM) would otherwise live through the whole suite
    from pyspark.sql import SparkSession

    SparkSession.builder.getOrCreate().stop()


def spark_rows(sql: str) -> list[tuple]:
    """Through the session dbt-spark built with (one Derby metastore per process)."""
    from pyspark.sql import SparkSession

    return [tuple(row) for row in SparkSession.builder.getOrCreate().sql(sql).collect()]


def test_spark_lands_raw_tables_as_parquet_under_one_root(spark_dir: Path, built: Built) -> None:
    issues = list((spark_dir / "lake" / "raw_jira" / "issues").glob("*.parquet"))
    assert issues
    for table in ("raw_jira.issues", "raw_github.pull_requests", "raw_pagerduty.incidents"):
        count = spark_rows(f"select count(*) from {table}")[0][0]
        assert count == warehouse_count(built.warehouse, table) > 0, table


def test_spark_kpi_values_equal_duckdb_row_for_row(spark_dir: Path, built: Built) -> None:
    expected = built.query(KPI_VALUES_SQL.format(relation="kpi_values"))
    actual = spark_rows(KPI_VALUES_SQL.format(relation="marts.kpi_values"))
    assert len(expected) > 1000
    assert differences(expected, actual) == []


def test_spark_publishes_every_mart_with_duckdbs_row_counts(spark_dir: Path, built: Built) -> None:
    from ingestion.published import published_marts

    for mart in published_marts():
        count = spark_rows(f"select count(*) from {mart.schema}.`{mart.name}`")[0][0]
        assert count == built.scalar(f'select count(*) from "{mart.name}"'), mart.name


def test_spark_data_quality_findings_equal_duckdb(spark_dir: Path, built: Built) -> None:
    # the findings' texts format spans and counts in SQL: the same words on every engine
    expected = built.query(FINDINGS_SQL.format(relation="data_quality_findings"))
    actual = spark_rows(FINDINGS_SQL.format(relation="marts.data_quality_findings"))
    assert expected
    assert in_one_order(actual) == in_one_order(expected)
