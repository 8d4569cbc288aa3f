"""The hand-computed cases of kpi_metric_values (tests/models/kpi_metric_cases/*.yml).

The cases are written as dbt unit tests (given rows, expected rows), but dbt cannot run them:
its unit-test manifest has no semantic layer, and kpi_metric_values is compiled from the
metrics' definitions. So each case runs here on the model's compiled SQL: every table the model
reads is created empty (with the built warehouse's columns) and filled with the case's given
rows, and the result is compared as dbt compares it: the expected columns, every row, any order.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import REPO_ROOT

CASES_DIR = Path(__file__).parent / "kpi_metric_cases"
MODEL_PATH = Path("compiled/kpibridge/models/marts/semantic/kpi_metric_values.sql")
RELATION = re.compile(r'"kpibridge"\."(\w+)"\."(\w+)"')
INPUT_REF = re.compile(r"^ref\('(\w+)'\)$")


def _cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for case in yaml.safe_load(path.read_text())["unit_tests"]:
            assert case["model"] == "kpi_metric_values", f"{path.name}: {case['name']}"
            cases.append(case)
    return cases


@pytest.fixture(scope="module")
def warehouse_copy(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A copy of a built warehouse: dbt compiles against it (its hooks write) and the cases take
    the columns of the tables the model reads from it. The simulator org's build, or
    $KPIBRIDGE_TEST_BUILT_WAREHOUSE (bench/mutation.py passes its own, saving one; it keeps that
    file open, so it is copied, never attached)."""
    prebuilt = os.environ.get("KPIBRIDGE_TEST_BUILT_WAREHOUSE")
    source = Path(prebuilt) if prebuilt else request.getfixturevalue("built").warehouse
    copy = tmp_path_factory.mktemp("compile") / "kpibridge.duckdb"
    shutil.copyfile(source, copy)
    return copy


@pytest.fixture(scope="module")
def compiled_sql(warehouse_copy: Path) -> str:
    """`dbt compile` of kpi_metric_values."""
    folder = warehouse_copy.parent
    compiled = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "compile", "--quiet"]
        + ["--select", "kpi_metric_values", "--vars", '{"allow_demo_salt": true}'],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "KPIBRIDGE_DUCKDB": str(warehouse_copy),
            "DBT_PROFILES_DIR": str(REPO_ROOT),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_TARGET_PATH": str(folder / "target"),
            "DBT_LOG_PATH": str(folder / "logs"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    return (folder / "target" / MODEL_PATH).read_text()


@pytest.fixture
def case_db(warehouse_copy: Path, compiled_sql: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory 'kpibridge' catalog with every relation the model reads, empty."""
    con = duckdb.connect()
    con.execute(f"attach '{warehouse_copy}' as built (read_only)")
    con.execute("attach ':memory:' as kpibridge")
    for schema, table in sorted(set(RELATION.findall(compiled_sql))):
        con.execute(f'create schema if not exists kpibridge."{schema}"')
        con.execute(
            f'create table kpibridge."{schema}"."{table}" as '
            f'select * from built."{schema}"."{table}" limit 0'
        )
    yield con
    con.close()


def _give(con: duckdb.DuckDBPyConnection, compiled_sql: str, given: dict) -> None:
    """Fill the input's table with the given rows (dicts, or a select with format: sql)."""
    match = INPUT_REF.match(given["input"])
    assert match, f"input {given['input']!r}: write ref('<model>')"
    schemas = {table: schema for schema, table in RELATION.findall(compiled_sql)}
    table = match.group(1)
    assert table in schemas, f"kpi_metric_values does not read {table}"
    relation = f'kpibridge."{schemas[table]}"."{table}"'
    rows = given.get("rows") or []
    if given.get("format") == "sql":
        con.execute(f"insert into {relation} by name ({rows})")
        return
    for row in rows:
        columns = ", ".join(f'"{column}"' for column in row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {relation} ({columns}) values ({marks})", list(row.values()))


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, rel_tol=1e-12, abs_tol=1e-12)
    return str(expected) == str(actual) if expected is not None else actual is None


def _unmatched(expected: list[dict], actual: list[dict]) -> tuple[list[dict], list[dict]]:
    """Expected rows no actual row equals, and actual rows left over (each used once)."""
    left = list(actual)
    missing = []
    for row in expected:
        found = next(
            (i for i, got in enumerate(left) if all(_same(v, got[k]) for k, v in row.items())),
            None,
        )
        if found is None:
            missing.append(row)
        else:
            left.pop(found)
    return missing, left


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["name"])
def test_kpi_metric_case(case: dict, case_db: duckdb.DuckDBPyConnection, compiled_sql: str) -> None:
    for given in case["given"]:
        _give(case_db, compiled_sql, given)
    result = case_db.execute(compiled_sql)
    names = [column[0] for column in result.description]
    expected = case["expect"]["rows"]
    columns = sorted({column for row in expected for column in row})
    actual = [{column: row[names.index(column)] for column in columns} for row in result.fetchall()]
    missing, unexpected = _unmatched(expected, actual)
    assert not missing and not unexpected, (
        f"{case['name']}: expected rows not returned: {missing}; rows not expected: {unexpected}"
    )
