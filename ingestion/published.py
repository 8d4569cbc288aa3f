"""The published marts, read from the dbt manifest: the models and seeds tagged `published`
in dbt_project.yml, with their relation name, schema, description and documented columns.

Publishing (ingestion/build.py), the export and the tests all read this one list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PUBLISHED_TAG = "published"
# dbt var: false leaves the per-item marts out of the marts file and the export
ITEM_MARTS_VAR = "publish_item_marts"
REPO_ROOT = Path(__file__).resolve().parents[1]


class ManifestError(RuntimeError):
    """The dbt manifest is missing or unreadable."""


@dataclass(frozen=True)
class PublishedMart:
    name: str  # the relation name readers use (a model's alias)
    schema: str  # where dbt builds it: marts or seeds
    resource_type: str  # model or seed
    description: str
    columns: dict[str, str]  # documented column -> description
    # one row per item whose id leads back to a person in the source tool: left out of the
    # marts file and the export when var publish_item_marts is false (SECURITY.md)
    per_item: bool = False


def manifest_path(project_dir: Path | str = REPO_ROOT) -> Path:
    return Path(project_dir) / "target" / "manifest.json"


def published_marts(project_dir: Path | str = REPO_ROOT) -> list[PublishedMart]:
    """Every node tagged `published` in the project's last dbt manifest, sorted by name."""
    path = manifest_path(project_dir)
    try:
        nodes = json.loads(path.read_text())["nodes"]
    except FileNotFoundError:
        raise ManifestError(
            f"no dbt manifest at {path}: run `kpibridge build` (or `uv run dbt parse`) first"
        ) from None
    except (ValueError, KeyError) as exc:
        raise ManifestError(
            f"{path} is not a dbt manifest ({exc}): rerun `uv run dbt parse`"
        ) from exc
    marts = [
        PublishedMart(
            name=node.get("alias") or node["name"],
            schema=node["schema"],
            resource_type=node["resource_type"],
            description=" ".join((node.get("description") or "").split()),
            columns={
                column: " ".join((spec.get("description") or "").split())
                for column, spec in (node.get("columns") or {}).items()
            },
            per_item=bool((node.get("config") or {}).get("meta", {}).get("per_item")),
        )
        for node in nodes.values()
        if node.get("resource_type") in ("model", "seed") and PUBLISHED_TAG in node.get("tags", [])
    ]
    return sorted(marts, key=lambda mart: mart.name)
