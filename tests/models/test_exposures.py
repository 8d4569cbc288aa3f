"""The app's dbt exposure names every published mart the app reads, read from the app's SQL
and the built project's manifest, so `dbt ls --select +exposure:kpibridge_streamlit_app` and
the docs lineage show what a change to a mart can break on a page."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingestion.published import manifest_path, published_marts
from tests.conftest import REPO_ROOT, Built

APP = REPO_ROOT / "app"
EXPOSURE = "exposure.kpibridge.kpibridge_streamlit_app"


def relations_read(sources: list[str], relations: set[str]) -> set[str]:
    """The relations among `relations` that some SQL in the sources selects from or joins."""
    words = {
        word.lower()
        for source in sources
        for word in re.findall(r"\b(?:from|join)\s+([A-Za-z_]+)\b", source, flags=re.IGNORECASE)
    }
    return words & relations


def exposure_relations(manifest: dict) -> set[str]:
    nodes = manifest["nodes"]
    return {
        nodes[node_id].get("alias") or nodes[node_id]["name"]
        for node_id in manifest["exposures"][EXPOSURE]["depends_on"]["nodes"]
    }


def test_relations_read_finds_tables_after_from_and_join() -> None:
    sources = [
        'db.df("select * from kpi_values as v left join teams as t on t.team_key = v.team_key")',
        "# imported from datetime; nothing selects from notes",
    ]
    assert relations_read(sources, {"kpi_values", "teams", "changes"}) == {"kpi_values", "teams"}


def test_the_app_exposure_names_every_published_mart_the_app_reads(built: Built) -> None:
    manifest = json.loads(manifest_path(REPO_ROOT).read_text())
    published = {mart.name for mart in published_marts()}
    sources = [path.read_text() for path in sorted(Path(APP).rglob("*.py"))]
    read = relations_read(sources, published)
    exposed = exposure_relations(manifest)
    assert {"kpi_values", "deployments"} <= read
    assert read - exposed == set(), "add these to models/exposures.yml"
    assert exposed - published == set(), "the exposure names marts that are not published"
