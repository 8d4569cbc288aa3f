"""The README's "Adding a KPI" shows the project as it is: its metric is the one the semantic
layer defines, its case is one the KPI cases run, and the files it says a KPI touches exist."""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
SECTION = README[README.index("**Adding a KPI**") : README.index("**The parity snapshot.**")]


def test_the_walkthrough_metric_is_the_semantic_layer_s() -> None:
    block = re.search(r"```yaml\n(.*?)```", SECTION, re.DOTALL)
    assert block, "the Adding a KPI section has no yaml block"
    (shown,) = yaml.safe_load(block.group(1))
    semantic = yaml.safe_load(
        (REPO_ROOT / "models/marts/delivery/_delivery__semantic.yml").read_text()
    )
    defined = next(metric for metric in semantic["metrics"] if metric["name"] == shown["name"])
    assert shown == defined


def test_the_walkthrough_case_and_files_exist() -> None:
    case = re.search(r"`(\w+)` in\s+`(tests/models/kpi_metric_cases/\w+\.yml)`", SECTION)
    assert case, "the Adding a KPI section names no case"
    cases = yaml.safe_load((REPO_ROOT / case.group(2)).read_text())["unit_tests"]
    assert case.group(1) in [entry["name"] for entry in cases]
    touched = SECTION[SECTION.index("Files touched:") :].split(". ")[0]
    paths = re.findall(r"`([\w./-]+\.(?:csv|yml))`", touched)
    assert len(paths) == 3, paths
    assert all((REPO_ROOT / path).is_file() for path in paths), paths
