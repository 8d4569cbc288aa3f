"""The golden snapshot of `kpi_values` on the default simulator org: every KPI, grain, team and
period, with its evidence columns and null reason, sorted. The parity test
(test_kpi_values_parity.py) compares each build with it, so a rewrite of the KPI models that
changes any value fails there.

Refresh it after a deliberate change of the simulated data or of a KPI's definition:

    uv run python -m tests.models.kpi_golden

NULL is written as an empty cell. Floats are written to 12 significant digits and compared with
a relative tolerance of FLOAT_TOLERANCE (engines differ in the last digits of percentiles).
"""

from __future__ import annotations

import csv
import math
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import yaml

GOLDEN = Path(__file__).parent / "golden" / "kpi_values.csv"
CONTRACT = Path(__file__).resolve().parents[2] / "models" / "marts" / "kpis" / "_kpi_values.yml"


def _contract_types() -> dict[str, str]:
    """kpi_values' contracted columns and their data types, in the contract's order."""
    models = yaml.safe_load(CONTRACT.read_text())["models"]
    model = next(model for model in models if model["name"] == "kpi_values")
    return {column["name"]: column["data_type"] for column in model["columns"]}


CONTRACT_TYPES = _contract_types()
KEY = ("kpi_id", "grain", "team_key", "period_start")
# every contracted column, the key first
COLUMNS = (*KEY, *(column for column in CONTRACT_TYPES if column not in KEY))
FLOAT_COLUMNS = frozenset(column for column, kind in CONTRACT_TYPES.items() if kind == "float8")
FLOAT_TOLERANCE = 1e-9

Row = dict[str, str]


def _cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if column in FLOAT_COLUMNS:
        return f"{float(value):.12g}"  # type: ignore[arg-type]
    return str(value)


def snapshot(marts: Path) -> list[Row]:
    """kpi_values of a published marts file as text cells, sorted by KEY."""
    with duckdb.connect(str(marts), read_only=True) as con:
        rows = con.execute(
            f"select {', '.join(COLUMNS)} from kpi_values order by {', '.join(KEY)}"
        ).fetchall()
    return [
        {column: _cell(column, value) for column, value in zip(COLUMNS, row, strict=True)}
        for row in rows
    ]


def read_golden(path: Path = GOLDEN) -> list[Row]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_golden(rows: Iterable[Row], path: Path = GOLDEN) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _same(column: str, expected: str, actual: str) -> bool:
    if column not in FLOAT_COLUMNS or not expected or not actual:
        return expected == actual
    return math.isclose(float(expected), float(actual), rel_tol=FLOAT_TOLERANCE, abs_tol=1e-12)


def _label(key: tuple[str, ...]) -> str:
    return ", ".join(f"{name}={value}" for name, value in zip(KEY, key, strict=True))


def differences(expected: list[Row], actual: list[Row]) -> list[str]:
    """One line per missing row, extra row or differing cell, naming KPI, grain, team, period."""
    expected_by_key = {tuple(row[k] for k in KEY): row for row in expected}
    actual_by_key = {tuple(row[k] for k in KEY): row for row in actual}
    lines = [f"missing row {_label(key)}" for key in expected_by_key if key not in actual_by_key]
    lines += [f"extra row {_label(key)}" for key in actual_by_key if key not in expected_by_key]
    for key, want in expected_by_key.items():
        got = actual_by_key.get(key)
        if got is None:
            continue
        lines += [
            f"{_label(key)}: {column} expected {want[column]!r}, got {got[column]!r}"
            for column in COLUMNS
            if not _same(column, want[column], got[column])
        ]
    return lines


def main() -> None:
    # the same simulator, ingest and build as the session fixtures of tests/conftest.py
    from tests.conftest import build_landed, land_default_org

    with tempfile.TemporaryDirectory() as folder:
        landed = land_default_org(Path(folder))
        built_folder = Path(folder) / "built"
        built_folder.mkdir()
        built = build_landed(landed, built_folder)
        rows = snapshot(built.marts)
    write_golden(rows)
    print(f"wrote {len(rows)} kpi_values rows to {GOLDEN}")


if __name__ == "__main__":
    main()
