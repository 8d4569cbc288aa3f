"""The app's rule settings: read from dbt_project.yml vars, overridable by environment.

The same vars drive the dbt models (baseline months, flat tolerance), so the app judges a
selected period with the rules the marts use for the latest month. Environment variables let an
operator tune the app without editing the project file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILE = REPO_ROOT / "dbt_project.yml"

# app-only settings: (environment variable, default)
ALIGNMENT_MIN_ABS_R_ENV = "KPIBRIDGE_ALIGNMENT_MIN_ABS_R"
ITEM_LISTS_ENV = "KPIBRIDGE_ITEM_LISTS"
MIN_SAMPLE_SIZE_ENV = "KPIBRIDGE_MIN_SAMPLE_SIZE"


@dataclass(frozen=True)
class Settings:
    min_sample_size: int
    baseline_months: int
    flat_tolerance_pct: float
    alignment_min_points: int
    alignment_min_abs_r: float
    item_lists: bool


def _project_vars() -> dict[str, Any]:
    if not PROJECT_FILE.is_file():
        return {}
    return yaml.safe_load(PROJECT_FILE.read_text()).get("vars", {}) or {}


def _number(name: str, raw: str, kind: type) -> Any:
    try:
        return kind(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a {kind.__name__}; unset it or fix it") from exc


@lru_cache(maxsize=1)
def settings() -> Settings:
    project = _project_vars()
    min_n = os.environ.get(MIN_SAMPLE_SIZE_ENV)
    min_r = os.environ.get(ALIGNMENT_MIN_ABS_R_ENV)
    items = os.environ.get(ITEM_LISTS_ENV, "on").strip().lower()
    return Settings(
        min_sample_size=(
            _number(MIN_SAMPLE_SIZE_ENV, min_n, int)
            if min_n
            else int(project.get("min_sample_size", 5))
        ),
        baseline_months=int(project.get("baseline_months", 3)),
        flat_tolerance_pct=float(project.get("trend_flat_tolerance_pct", 5)),
        alignment_min_points=int(project.get("alignment_min_points", 6)),
        alignment_min_abs_r=_number(ALIGNMENT_MIN_ABS_R_ENV, min_r, float) if min_r else 0.5,
        item_lists=items not in ("off", "false", "0", "no"),
    )
