"""The build summary names each warned test, its model and the values it found."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingestion.build import run_dbt
from tests.models.test_build_publish import tiny_project  # noqa: F401  (fixture)


def test_warned_test_is_named_with_model_and_failing_values(
    tmp_path: Path,
    tiny_project: Path,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    # teams.csv holds payments and mobile: only payments is accepted, so mobile warns
    (tiny_project / "seeds" / "_seeds.yml").write_text(
        "version: 2\n"
        "seeds:\n"
        "  - name: teams\n"
        "    columns:\n"
        "      - name: team_key\n"
        "        data_tests:\n"
        "          - accepted_values:\n"
        "              arguments: {values: [payments]}\n"
        "              config: {severity: warn}\n"
    )

    with caplog.at_level(logging.INFO, logger="kpibridge.build"):
        run_dbt(["build"], tmp_path / "wh.duckdb", tiny_project)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "dbt warning: test accepted_values on teams column team_key found 1: mobile"
    ]
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dbt build")]
    assert summary == ["dbt build: 2 success, 1 warn"]
