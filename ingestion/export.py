"""`kpibridge export DIR`: every published mart as parquet, plus manifest.json describing them.

The files are plain parquet (any DuckDB, pyarrow, pandas or Spark reader opens them); the
manifest lists each mart's file, row count, description and columns with their types and
descriptions from the dbt docs, so a BI tool can load them without this project.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from ingestion.published import REPO_ROOT, PublishedMart, published_marts

MANIFEST_NAME = "manifest.json"


class ExportError(RuntimeError):
    """The marts file is missing or lacks a published mart."""


@dataclass(frozen=True)
class ExportedColumn:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class ExportedMart:
    name: str
    file: str
    rows: int
    description: str
    columns: list[ExportedColumn]


def export_marts(
    marts_path: Path | str, directory: Path | str, project_dir: Path | str = REPO_ROOT
) -> list[ExportedMart]:
    """Write DIR/<mart>.parquet for every published mart of the marts file, then
    DIR/manifest.json; returns what was written."""
    source = Path(marts_path).resolve()
    if not source.exists():
        raise ExportError(f"no published marts at {source}: run `kpibridge build` first")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    published = published_marts(project_dir)
    with duckdb.connect(str(source), read_only=True) as con:
        present = {name for (name,) in con.execute("show tables").fetchall()}
        # per-item marts are absent when the build withheld them (var publish_item_marts)
        missing = [m.name for m in published if m.name not in present and not m.per_item]
        if missing:
            raise ExportError(
                f"{source} lacks published marts {', '.join(missing)}: rerun `kpibridge build`"
            )
        exported = [_export_one(con, mart, target) for mart in published if mart.name in present]
    # a mart this build withheld must not survive from an earlier export into the same folder
    for mart in published:
        if mart.name not in present:
            (target / f"{mart.name}.parquet").unlink(missing_ok=True)
    manifest = {"source": str(source), "format": "parquet", "marts": [asdict(m) for m in exported]}
    (target / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return exported


def _export_one(
    con: duckdb.DuckDBPyConnection, mart: PublishedMart, directory: Path
) -> ExportedMart:
    file = directory / f"{mart.name}.parquet"
    path = str(file.resolve()).replace("'", "''")
    con.execute(f"copy (select * from \"{mart.name}\") to '{path}' (format parquet)")
    types = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = ? order by ordinal_position",
        [mart.name],
    ).fetchall()
    row = con.execute(f'select count(*) from "{mart.name}"').fetchone()
    return ExportedMart(
        name=mart.name,
        file=file.name,
        rows=row[0] if row else 0,
        description=mart.description,
        columns=[
            ExportedColumn(name, data_type, mart.columns.get(name, "")) for name, data_type in types
        ],
    )
