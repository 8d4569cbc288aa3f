"""The engines kpibridge builds on, and where each one keeps raw data.

duckdb    one local file (the default): dlt's duckdb destination, dbt-duckdb.
postgres  a server: dlt's postgres destination, dbt-postgres, same schema names.
spark     a lakehouse: dlt's filesystem destination writes parquet under one root (the lake),
          dbt-spark registers the raw tables over those files and builds with Spark SQL.

Connection settings come from environment variables, the same ones profiles.yml reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

TARGETS = ("duckdb", "postgres", "spark")
DEFAULT_TARGET = "duckdb"
# runs one statement, returns its rows ([] for a statement without)
Query = Callable[[str], list[tuple]]
REPO_ROOT = Path(__file__).resolve().parents[1]
# the environment variables profiles.yml reads for the postgres target, with its defaults
POSTGRES_ENV = {
    "host": ("KPIBRIDGE_PG_HOST", "localhost"),
    "port": ("KPIBRIDGE_PG_PORT", "5432"),
    "username": ("KPIBRIDGE_PG_USER", "kpibridge"),
    "password": ("KPIBRIDGE_PG_PASSWORD", ""),
    "database": ("KPIBRIDGE_PG_DATABASE", "kpibridge"),
}


class EngineError(ValueError):
    """An unknown target, or an engine whose settings or packages are missing."""


def default_target() -> str:
    """$KPIBRIDGE_TARGET (the variable profiles.yml reads), else duckdb."""
    return check_target(os.environ.get("KPIBRIDGE_TARGET", DEFAULT_TARGET))


def check_target(target: str) -> str:
    if target not in TARGETS:
        raise EngineError(
            f"unknown target {target!r} (from --target or KPIBRIDGE_TARGET): "
            f"choose one of {', '.join(TARGETS)}"
        )
    return target


def postgres_credentials() -> dict[str, Any]:
    """The server profiles.yml's postgres target connects to, from KPIBRIDGE_PG_*."""
    settings: dict[str, Any] = {
        key: os.environ.get(variable, default) for key, (variable, default) in POSTGRES_ENV.items()
    }
    settings["port"] = int(settings["port"])
    return settings


def lake_root() -> Path:
    """Where raw parquet lands for Spark: $KPIBRIDGE_LAKE, else data/lake."""
    return Path(os.environ.get("KPIBRIDGE_LAKE", REPO_ROOT / "data" / "lake")).resolve()


def spark_home() -> Path:
    """Spark's warehouse directory and metastore: $KPIBRIDGE_SPARK_DIR, else data/spark."""
    return Path(os.environ.get("KPIBRIDGE_SPARK_DIR", REPO_ROOT / "data" / "spark")).resolve()


@dataclass(frozen=True)
class RawDestination:
    """A dlt destination and the load file format it takes."""

    destination: Any
    loader_file_format: str


def raw_destination(target: str, duckdb_path: Path) -> RawDestination:
    """Where `kpibridge ingest` lands raw data for a target (one dataset per source)."""
    import dlt

    check_target(target)
    if target == "postgres":
        _require("psycopg2", "postgres")
        # csv loads with COPY: several times faster than INSERT statements
        return RawDestination(dlt.destinations.postgres(postgres_credentials()), "csv")
    if target == "spark":
        # plain parquet files: Delta or Iceberg would need jars that cannot be fetched offline
        return RawDestination(dlt.destinations.filesystem(lake_root().as_uri()), "parquet")
    return RawDestination(dlt.destinations.duckdb(str(duckdb_path)), "parquet")


def check_incremental(target: str, dataset: str) -> None:
    """Plain parquet cannot be merged into: a second load would append changed rows again.
    On spark an incremental load into an existing dataset is refused with the fix."""
    if target == "spark" and (lake_root() / dataset).exists():
        raise EngineError(
            f"{lake_root() / dataset} already holds a load: the spark target writes plain "
            "parquet, which dlt cannot merge into, so reload it with --full-refresh "
            "(on a cluster, Delta tables allow incremental merges: docs/scaling.md)"
        )


def release_raw_tables(target: str) -> None:
    """Before a full refresh drops raw tables: on PostgreSQL the staging views that read them
    would block the drop, so the staging schema goes first (the next build recreates it)."""
    if target != "postgres":
        return
    connection = postgres_connection()
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("drop schema if exists staging cascade")
    finally:
        connection.close()


@contextmanager
def connect(target: str, duckdb_path: Path, read_only: bool = False) -> Iterator[Query]:
    """Statements where a target keeps raw data and build state: the DuckDB warehouse file, or
    the postgres target's server (committed when the block ends without an error)."""
    if target != "postgres":
        with duckdb.connect(str(duckdb_path), read_only=read_only) as con:
            yield lambda sql: con.execute(sql).fetchall()
        return
    connection = postgres_connection()
    try:
        with connection, connection.cursor() as cursor:

            def query(sql: str) -> list[tuple]:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else []

            yield query
    finally:
        connection.close()


def postgres_connection() -> Any:
    """A psycopg2 connection to the server of the postgres target (KPIBRIDGE_PG_*)."""
    import psycopg2

    settings = postgres_credentials()
    return psycopg2.connect(
        host=settings["host"],
        port=settings["port"],
        user=settings["username"],
        password=settings["password"],
        dbname=settings["database"],
    )


def lake_tables(root: Path | None = None) -> dict[str, dict[str, str]]:
    """The raw tables present in the lake: {dataset: {table: file format}} for each table
    folder holding data files (dlt creates a table only once some row carried it; its own
    _dlt_loads bookkeeping is written as jsonl)."""
    root = root or lake_root()
    tables: dict[str, dict[str, str]] = {}
    for dataset in sorted(root.glob("raw_*")):
        found = {
            folder.name: file_format
            for folder in sorted(dataset.iterdir())
            if folder.is_dir() and (folder.name == "_dlt_loads" or not folder.name.startswith("_"))
            for file_format, pattern in (("parquet", "*.parquet"), ("json", "*.jsonl"))
            if any(folder.glob(pattern))
        }
        if found:
            tables[dataset.name] = found
    return tables


def prepare_engine(target: str) -> dict[str, object]:
    """Set what profiles.yml reads for a target and return the dbt vars it needs: on spark,
    an absolute Spark directory, where the lake is and which raw tables it holds (the
    on-run-start hook registers each as a table over its files)."""
    if target != "spark":
        return {}
    _require("pyspark", "spark")
    home = spark_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["KPIBRIDGE_SPARK_DIR"] = str(home)
    return {"lake_root": lake_root().as_posix(), "lake_tables": lake_tables()}


def _require(module: str, extra: str) -> None:
    try:
        __import__(module)
    except ImportError:
        raise EngineError(
            f"the {extra} target needs the '{extra}' extra: uv sync --extra {extra}"
        ) from None
