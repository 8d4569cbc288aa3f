"""The code style the project holds itself to: ruff for Python, sqlfluff (dbt templater) for SQL."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT, Built


def _run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=900
    )


def test_python_is_ruff_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "ingestion", "app", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_models_are_sqlfluff_clean(built: Built) -> None:
    # the dbt templater compiles against a real warehouse (source_loads lists raw tables)
    env = {
        **os.environ,
        "KPIBRIDGE_DUCKDB": str(built.warehouse),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
    }
    result = _run(sys.executable, "-m", "sqlfluff", "lint", "models", env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
