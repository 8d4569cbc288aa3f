"""Fixtures for the app tests: marts built from the repo's own pipeline, and a per-test copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import page_scripts
from app.components import VALIDATE_CHARTS_ENV
from tests.conftest import REPO_ROOT, Built

APP_DIR = REPO_ROOT / "app"
PAGES = tuple(page_scripts())


@pytest.fixture(autouse=True)
def validate_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app skips the Vega-Lite schema check at render time; under test every chart gets
    it."""
    monkeypatch.setenv(VALIDATE_CHARTS_ENV, "1")


@pytest.fixture(scope="session")
def built_marts(built: Built) -> Path:
    """The default org ingested, built with dbt and published: the file the app reads."""
    return built.marts


@pytest.fixture
def marts(built_marts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the built marts, named by KPIBRIDGE_MARTS for the app under test."""
    copy = tmp_path / "marts.duckdb"
    shutil.copy(built_marts, copy)
    monkeypatch.setenv("KPIBRIDGE_MARTS", str(copy))
    return copy
