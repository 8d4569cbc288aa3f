"""Fixtures for the app tests: marts built from the repo's own pipeline, and a per-test copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, Built

APP_DIR = REPO_ROOT / "app"
PAGES = (
    "Home.py",
    "pages/1_Scorecard.py",
    "pages/2_DORA_overview.py",
    "pages/3_Trends.py",
    "pages/4_Delivery_flow.py",
    "pages/5_Reliability.py",
    "pages/6_Business_alignment.py",
    "pages/7_Drill_down.py",
    "pages/8_Glossary.py",
    "pages/9_Data_health.py",
)


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
