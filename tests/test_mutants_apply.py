"""The mutation catalogue (bench/mutants.py) stays applicable: every mutant's snippet occurs
exactly once in its file, so a refactor cannot silently turn mutants into "not applicable"."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _catalogue() -> tuple[Any, ...]:
    # bench/ is not a package: load the catalogue module from its file
    spec = importlib.util.spec_from_file_location("mutants", REPO_ROOT / "bench" / "mutants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutants", module)  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module.CATALOGUE


CATALOGUE = _catalogue()


@pytest.mark.parametrize("mutant", CATALOGUE, ids=[m.id for m in CATALOGUE])
def test_mutant_snippet_occurs_exactly_once(mutant: Any) -> None:
    path = REPO_ROOT / mutant.path
    assert path.is_file(), f"{mutant.id}: {mutant.path} does not exist; fix bench/mutants.py"
    found = path.read_text().count(mutant.original)
    assert found == 1, (
        f"{mutant.id}: its `original` occurs {found} times in {mutant.path} (needs exactly 1); "
        "rewrite the mutant in bench/mutants.py against the current code"
    )


def test_mutant_ids_are_unique_and_each_changes_its_snippet() -> None:
    ids = [m.id for m in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert [m.id for m in CATALOGUE if m.original == m.mutated] == []


def test_every_check_names_a_known_kind() -> None:
    checks = [c for m in CATALOGUE for c in m.checks]
    assert [c for c in checks if c.partition(":")[0] not in {"dbt", "pytest"}] == []


def test_every_pytest_check_names_existing_test_files() -> None:
    missing = [
        (m.id, word)
        for m in CATALOGUE
        for check in m.checks
        if check.startswith("pytest:")
        for word in check.removeprefix("pytest:").split()
        if word.startswith("tests/") and not (REPO_ROOT / word.partition("::")[0]).is_file()
    ]
    assert missing == []
