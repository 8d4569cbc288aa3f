"""The dbt unit tests of kpi_metric_values (_kpi_metric_values__*__unit_tests.yml beside it).

kpi_metric_values is compiled from the metrics and semantic models in dbt's graph, but dbt
compiles a unit test in a manifest of its own that holds only macros (an empty graph), so
these unit tests are off in `dbt build` (var unit_tests_with_graph) and run here with the
project's graph handed to them."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from dbt.contracts.graph.manifest import Manifest
from dbt.parser.unit_tests import UnitTestManifestLoader

from ingestion.build import run_dbt
from tests.conftest import REPO_ROOT, Built

UNIT_TEST_FILES = "models/marts/semantic/_kpi_metric_values__*__unit_tests.yml"


def with_graph(
    load: Callable[[UnitTestManifestLoader], Manifest],
) -> Callable[[UnitTestManifestLoader], Manifest]:
    """UnitTestManifestLoader.load, giving the unit tests' manifest the project's graph."""

    def load_with_graph(self: UnitTestManifestLoader) -> Manifest:
        manifest = load(self)
        manifest.flat_graph = self.manifest.flat_graph
        return manifest

    return load_with_graph


def test_kpi_metric_values_unit_tests_pass(
    built: Built, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    expected = sum(
        path.read_text().count("    model: kpi_metric_values\n")
        for path in REPO_ROOT.glob(UNIT_TEST_FILES)
    )
    monkeypatch.setattr(UnitTestManifestLoader, "load", with_graph(UnitTestManifestLoader.load))
    dbt_vars = json.dumps({"allow_demo_salt": True, "unit_tests_with_graph": True})

    with caplog.at_level(logging.INFO, logger="kpibridge.build"):
        run_dbt(
            ["test", "--select", "kpi_metric_values,test_type:unit", "--vars", dbt_vars],
            built.warehouse,
        )

    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dbt test")]
    assert expected >= 5 and f"{expected} pass" in summary[0], summary
