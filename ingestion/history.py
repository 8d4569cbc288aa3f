"""Keep dlt's working folder bounded: the last few loaded packages, no leftovers of killed runs.

dlt keeps every loaded package (copies of the raw payloads) under
`pipelines/<pipeline>/load/loaded/` forever. After a successful load we keep the newest
`keep` of them for debugging (`KPIBRIDGE_KEEP_LOADS`, default 3) and delete the rest, plus the
scratch folders a killed run can leave: a package that never finished extracting
(`normalize/<random id>/`) or normalizing (`load/new/`). Pending packages
(`normalize/extracted/`, `load/normalized/`) are never touched: the next run finishes them.
Callers hold the warehouse's run lock, so no other run is writing these folders.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

KEEP_ENV = "KPIBRIDGE_KEEP_LOADS"
DEFAULT_KEEP = 3
LOADED = Path("load") / "loaded"
NEW_LOAD_PACKAGES = Path("load") / "new"
# dlt extracts into normalize/<random id>/ and moves the package to normalize/extracted/
EXTRACT_SCRATCH = Path("normalize")
EXTRACTED = "extracted"


def keep_loads(value: int | None = None) -> int:
    """The explicit value, else $KPIBRIDGE_KEEP_LOADS, else the default."""
    if value is not None:
        return value
    raw = os.environ.get(KEEP_ENV, str(DEFAULT_KEEP))
    if not raw.isdigit():
        raise ValueError(f"{KEEP_ENV}={raw!r}: set it to how many loaded packages to keep (0-n)")
    return int(raw)


def prune(pipeline_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` loaded packages and any temp packages; return them."""
    removed: list[Path] = []
    loaded = pipeline_dir / LOADED
    if loaded.is_dir():
        # load ids are unix timestamps: sorting them orders the packages by age
        packages = sorted((p for p in loaded.iterdir() if p.is_dir()), key=lambda p: float(p.name))
        removed += packages[: max(len(packages) - keep, 0)]
    removed += _subfolders(pipeline_dir / NEW_LOAD_PACKAGES)
    removed += [p for p in _subfolders(pipeline_dir / EXTRACT_SCRATCH) if p.name != EXTRACTED]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _subfolders(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
