"""Refuse to write into a damaged warehouse: read every stored block before a run writes."""

from __future__ import annotations

from pathlib import Path

import duckdb


class WarehouseDamaged(RuntimeError):
    """The warehouse file cannot be read back; writing more into it would hide the damage."""


def check_readable(warehouse: Path) -> None:
    """Read every column of every table (DuckDB verifies each block's checksum on read).

    Raises WarehouseDamaged naming the file, the table and the recovery.
    """
    if not warehouse.exists():
        return
    table = "the file header"
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' order by 1, 2"
            ).fetchall()
            for schema, name in tables:
                table = f'"{schema}"."{name}"'
                # hashing every column makes DuckDB read (and checksum) all its blocks
                con.execute(f"select max(hash(columns(*))) from {table}").fetchone()
    except duckdb.Error as exc:
        if "Could not set lock on file" in str(exc):
            raise
        raise WarehouseDamaged(
            f"the warehouse {warehouse} is damaged ({table}: {str(exc).splitlines()[0]}); "
            "nothing was written. Restore it from a backup, or delete it (and the `pipelines/` "
            "folder beside it) and reload everything with `kpibridge ingest --full-refresh`, "
            "then `kpibridge build`."
        ) from None
