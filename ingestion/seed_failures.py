"""Say which seed row broke a seed test, with its value and the fix.

dbt reports a failing seed test by name only ("accepted_values_kpi_targets_..."). Seeds are
edited by hand, so the operator needs the file, the line, the value and what to do. The failing
rows come from the test's own compiled query, run on the warehouse after dbt released it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb

MAX_ROWS = 5
# what to do, per generic test; {column} and the test's arguments are filled in
FIXES = {
    "accepted_values": "use one of {values}, or add the new value to the test in seeds/_seeds.yml",
    "not_null": "fill in {column}",
    "unique": "keep one row per {column}",
    "unique_combination": "keep one row per ({columns})",
    "relationships": "use a {field} that exists in {to}, or add it there first",
    "kpi_ids_in_glossary": "use a kpi_id of seeds/kpi_glossary.csv, or add the KPI there first",
}


def explain(node: Any, warehouse: Path, project: Path) -> str | None:
    """A message for a failed test on a seed; None for any other node."""
    attached = str(getattr(node, "attached_node", None) or "")
    metadata = getattr(node, "test_metadata", None)
    if not attached.startswith("seed.") or metadata is None:
        return None
    seed = attached.rsplit(".", 1)[-1]
    seed_file = _seed_file(project, seed)
    kwargs = dict(metadata.kwargs or {})
    column = str(getattr(node, "column_name", None) or kwargs.get("column_name") or "")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"select * from ({node.compiled_code}) limit {MAX_ROWS}")
        names = [d[0] for d in cursor.description]
        failing = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    fix = FIXES.get(metadata.name, "correct the row(s) so that the test `{test}` passes")
    fix = fix.format(
        column=column,
        test=metadata.name,
        values=", ".join(map(str, kwargs.get("values") or [])),
        columns=", ".join(kwargs.get("columns") or []),
        field=kwargs.get("field", ""),
        to=str(kwargs.get("to", "")).replace("ref(", "").strip("')\""),
    )
    relative = seed_file.relative_to(project) if seed_file.is_relative_to(project) else seed_file
    problems = [_describe(row, column, names, seed_file) for row in failing]
    return f"{relative}: {'; '.join(problems)}. Fix: {fix} (test {metadata.name})."


def _describe(row: dict[str, Any], column: str, names: list[str], seed_file: Path) -> str:
    keys = {name: row[name] for name in names if name in _header(seed_file)} or (
        {column: row[names[0]]} if column else {}
    )
    lines = _lines(seed_file, keys)
    where = f"line {', '.join(map(str, lines))}" if lines else "row"
    shown = ", ".join(f"{name} = {_value(value)}" for name, value in keys.items())
    return f"{where}: {shown or row}"


def _value(value: object) -> str:
    return "empty" if value is None else repr(str(value))


def _seed_file(project: Path, seed: str) -> Path:
    found = sorted(project.glob(f"seeds/**/{seed}.csv"))
    return found[0] if found else project / "seeds" / f"{seed}.csv"


def _header(seed_file: Path) -> list[str]:
    with seed_file.open(newline="") as handle:
        return next(csv.reader(handle), [])


def _lines(seed_file: Path, keys: dict[str, object]) -> list[int]:
    """CSV line numbers (the header is line 1) whose cells equal the failing values."""
    wanted = {name: "" if value is None else str(value) for name, value in keys.items()}
    with seed_file.open(newline="") as handle:
        return [
            number
            for number, row in enumerate(csv.DictReader(handle), start=2)
            if wanted and all(_same(row.get(name), value) for name, value in wanted.items())
        ]


def _same(cell: str | None, value: str) -> bool:
    cell = (cell or "").strip()
    if cell == value:
        return True
    try:
        return float(cell) == float(value)
    except ValueError:
        return cell.lower() == value.lower() and value.lower() in ("true", "false")
