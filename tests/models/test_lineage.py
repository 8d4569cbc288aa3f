"""Lineage only flows forward, read from the dbt manifest of the built project: staging reads
sources and seeds, intermediate reads staging and intermediate, marts read anything before
them. A model that reads a later layer (an intermediate model reading a mart) fails here."""

from __future__ import annotations

import json

from ingestion.published import manifest_path
from tests.conftest import REPO_ROOT, Built

LAYERS = {"staging": 0, "intermediate": 1, "marts": 2}
SINGULAR = {"staging": "staging model", "intermediate": "intermediate model", "marts": "mart"}


def _layer(node: dict) -> str | None:
    parts = node.get("original_file_path", "").split("/")
    return parts[1] if node.get("resource_type") == "model" and parts[0] == "models" else None


def backward_dependencies(manifest: dict) -> list[str]:
    """Each model that depends on a model of a later layer, naming both."""
    nodes = manifest["nodes"]
    found = []
    for node in nodes.values():
        layer = _layer(node)
        if layer not in LAYERS:
            continue
        for parent_id in node["depends_on"]["nodes"]:
            parent_layer = _layer(nodes.get(parent_id, {}))
            if parent_layer in LAYERS and LAYERS[parent_layer] > LAYERS[layer]:
                found.append(
                    f"{SINGULAR[layer]} {node['name']} depends on "
                    f"{SINGULAR[parent_layer]} {nodes[parent_id]['name']}"
                )
    return sorted(found)


def _model(name: str, layer: str, parents: list[str]) -> tuple[str, dict]:
    return f"model.kpibridge.{name}", {
        "name": name,
        "resource_type": "model",
        "original_file_path": f"models/{layer}/{name}.sql",
        "depends_on": {"nodes": [f"model.kpibridge.{parent}" for parent in parents]},
    }


def test_a_model_reading_a_later_layer_is_named_with_it() -> None:
    manifest = {
        "nodes": dict(
            [
                _model("stg_a", "staging", []),
                _model("int_a", "intermediate", ["stg_a"]),
                _model("deployments", "marts", ["int_a"]),
                _model("int_kpis", "intermediate", ["int_a", "deployments"]),
                _model("kpi_values", "marts", ["int_kpis", "deployments"]),
            ]
        )
    }
    assert backward_dependencies(manifest) == [
        "intermediate model int_kpis depends on mart deployments"
    ]


def test_no_intermediate_model_reads_a_mart(built: Built) -> None:
    # the built fixture ran dbt in the project: its manifest is the one of this checkout
    manifest = json.loads(manifest_path(REPO_ROOT).read_text())
    assert _layer(manifest["nodes"]["model.kpibridge.kpi_values"]) == "marts"
    assert backward_dependencies(manifest) == []
