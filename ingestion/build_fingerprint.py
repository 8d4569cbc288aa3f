"""What the rows of the incremental models were computed with, so a build knows when to redo all.

An incremental model keeps the rows earlier builds computed. They stay right only while all
that computed them is unchanged: the project's SQL (models, macros, dbt_project.yml), the seeds
(team mappings, status stages), the vars and dbt itself. `kpibridge build` hashes all of these
and keeps the hash in the warehouse after a complete, successful build; a build whose hash
differs, or finds none (first build, a failed or partial one before), runs
`dbt build --full-refresh`. Coarse on purpose: any change recomputes everything, so no change
can leave rows computed the old way (docs/scaling.md, "Incremental models").

The hash and the raw loads are read where the build writes: the DuckDB warehouse file, or the
server of the postgres target.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from ingestion.engines import connect

# what computes the rows, relative to the dbt project
_HASHED_PATHS = ("dbt_project.yml", "models", "macros", "seeds")
_TABLE = "kpibridge_state.build_fingerprint"


def project_fingerprint(project_dir: Path, dbt_vars: Mapping[str, object]) -> str:
    """sha256 over dbt's version, the vars and every file of the project that computes rows.

    The vars include the salt: its hash adds nothing to what the pseudonyms already expose.
    """
    digest = hashlib.sha256()
    digest.update(f"dbt-core {version('dbt-core')}\0".encode())
    digest.update(json.dumps(dict(dbt_vars), sort_keys=True, default=str).encode() + b"\0")
    for relative in _HASHED_PATHS:
        root = project_dir / relative
        # a project may lack a folder (a seeds-only project has no models/)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        files += [root] if root.is_file() else []
        for path in files:
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class RawLoads:
    """What the raw datasets hold: the tables with rows of a load that has not finished, and
    the ids of the finished loads."""

    unfinished: list[str]
    finished: frozenset[str]


def raw_loads(warehouse: Path, target: str = "duckdb") -> RawLoads:
    """The raw datasets' loads. A table with rows of a load that has no status-0 row in its
    dataset's `_dlt_loads` is mid-load: dlt commits a load table by table, and finishes it
    later with the same load id, so rows arriving then are no newer than what an incremental
    build saw. A load finished while a build ran may have been read in part the same way."""
    with connect(target, warehouse, read_only=True) as query:
        tables = query(
            "select c.table_schema, c.table_name from information_schema.columns c "
            "join information_schema.tables l on l.table_schema = c.table_schema "
            "and l.table_name = '_dlt_loads' "
            "where c.table_schema like 'raw\\_%' escape '\\' "
            # dlt's own tables (pipeline state) are read by no model
            "and c.table_name not like '\\_dlt%' escape '\\' "
            "and c.column_name = '_dlt_load_id' order by 1, 2"
        )
        finished = frozenset(
            load_id
            for schema in sorted({schema for schema, _ in tables})
            for (load_id,) in query(f'select load_id from "{schema}"._dlt_loads where status = 0')
        )
        unfinished = [
            f"{schema}.{table}"
            for schema, table in tables
            if query(
                f'select count(*) from "{schema}"."{table}" where _dlt_load_id not in '
                f'(select load_id from "{schema}"._dlt_loads where status = 0)'
            )[0][0]
        ]
    return RawLoads(unfinished, finished)


def take_fingerprint(warehouse: Path, target: str = "duckdb") -> str | None:
    """The fingerprint of the warehouse's last complete build, removed from it: until this
    build completes and stores its own, the next build must be a full one."""
    with connect(target, warehouse) as query:
        query(f"create schema if not exists {_TABLE.split('.')[0]}")
        query(f"create table if not exists {_TABLE} (fingerprint varchar not null)")
        rows = query(f"select fingerprint from {_TABLE}")
        query(f"delete from {_TABLE}")
    return rows[0][0] if len(rows) == 1 else None


def store_fingerprint(warehouse: Path, fingerprint: str, target: str = "duckdb") -> None:
    """Record that every incremental model now holds rows computed with `fingerprint`."""
    int(fingerprint, 16)  # a hex digest: safe to write as a literal on either engine
    with connect(target, warehouse) as query:
        query(f"delete from {_TABLE}")
        query(f"insert into {_TABLE} values ('{fingerprint}')")
