"""pytest plugin for bench/mutation.py: the session's landed and built warehouses are copies of
the scratch warehouse built once, so a mutant of the app is checked in seconds, not minutes.

Only for mutants of code that neither ingestion nor dbt runs (the app): their checks would
otherwise rebuild the very same warehouse for every mutant.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    import ingestion.build
    import tests.conftest

    warehouse = Path(os.environ["KPIBRIDGE_DUCKDB"])

    def ingest_from(sim: Any, target: Path, **kwargs: object) -> list[Any]:
        shutil.copy(warehouse, target)
        return []

    def build_warehouse(duckdb_path: Path, marts_path: Path, **kwargs: object) -> None:
        shutil.copy(warehouse.with_name("marts.duckdb"), marts_path)

    tests.conftest.ingest_from = ingest_from  # type: ignore[assignment]
    ingestion.build.build_warehouse = build_warehouse  # type: ignore[assignment]
