"""What the engine tests share: kpi_values compared row for row across engines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import duckdb

from tests.models.kpi_golden import COLUMNS as KPI_VALUES_COLUMNS

# every contracted column, read in the same order on every engine
KPI_VALUES_SQL = (
    f"select {', '.join(KPI_VALUES_COLUMNS)} from {{relation}} "
    "order by team_key, kpi_id, grain, period_start"
)
# text only, numbers already formatted ('2.0 h'): equal as written; sorted in Python, since
# PostgreSQL's collation may order text differently from DuckDB and Spark
FINDINGS_SQL = "select check_name, entity, entity_id, team_key, severity, detail from {relation}"
# doubles may differ in the last bits between engines (summation order, interpolation)
RELATIVE_TOLERANCE = 1e-9


def differences(expected: Sequence[tuple], actual: Sequence[tuple], limit: int = 10) -> list[str]:
    """Rows of kpi_values that differ (beyond the float tolerance), described; [] if equal."""
    problems = []
    if len(expected) != len(actual):
        problems.append(f"{len(expected)} rows expected, {len(actual)} found")
    for left, right in zip(expected, actual, strict=False):
        for column, a, b in zip(KPI_VALUES_COLUMNS, left, right, strict=True):
            if not _same(a, b):
                problems.append(f"{left[:4]} {column}: expected {a!r}, found {b!r}")
                break
        if len(problems) >= limit:
            break
    return problems


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return a == b


def warehouse_count(warehouse: Path, table: str) -> int:
    """Rows of a raw table in a DuckDB warehouse file."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(f"select count(*) from {table}").fetchone()
    return row[0] if row else 0


def in_one_order(rows: Sequence[tuple]) -> list[tuple]:
    """Rows in an order that does not depend on the engine's collation."""
    return sorted((tuple(row) for row in rows), key=repr)
