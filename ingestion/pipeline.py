"""Build and run one dlt pipeline per source into DuckDB (raw_jira, raw_github, raw_pagerduty)."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# dlt warns once per column that only ever held nulls: real payloads have many, none actionable
os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")

import dlt  # noqa: E402  - telemetry must be off before dlt reads its config

from ingestion.engines import (  # noqa: E402
    DEFAULT_TARGET,
    check_incremental,
    raw_destination,
    release_raw_tables,
)
from ingestion.simulator.common import Credentials  # noqa: E402
from ingestion.sources.github import github_source  # noqa: E402
from ingestion.sources.jira import jira_source  # noqa: E402
from ingestion.sources.pagerduty import pagerduty_source  # noqa: E402

SOURCES = ("jira", "github", "pagerduty")
REPO_ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("kpibridge.ingest")


def default_duckdb_path() -> Path:
    return Path(os.environ.get("KPIBRIDGE_DUCKDB", REPO_ROOT / "data" / "kpibridge.duckdb"))


@dataclass
class SourceResult:
    source: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def simulator_settings(urls: dict[str, str], owner: str = "acme-sim") -> dict[str, dict[str, Any]]:
    """Source arguments that point each source at a running simulator."""
    creds = Credentials()
    return {
        "jira": {
            "base_url": urls["jira"],
            "email": creds.jira_email,
            "api_token": creds.jira_token,
        },
        "github": {"base_url": urls["github"], "owner": owner, "access_token": creds.github_token},
        "pagerduty": {"base_url": urls["pagerduty"], "api_token": creds.pagerduty_token},
    }


def _source(name: str, settings: dict[str, Any]) -> Any:
    factory = {"jira": jira_source, "github": github_source, "pagerduty": pagerduty_source}[name]
    return factory(**settings)


def run_ingest(
    sources: list[str] | tuple[str, ...] = SOURCES,
    *,
    duckdb_path: Path | str | None = None,
    full_refresh: bool = False,
    settings: dict[str, dict[str, Any]] | None = None,
    pipelines_dir: Path | str | None = None,
    progress: bool = False,
    target: str = DEFAULT_TARGET,
) -> list[SourceResult]:
    """Load each source into its raw_<source> dataset; one failing source spares the others.

    `settings` overrides source arguments (base URLs, credentials); without it dlt reads them
    from the environment and .dlt/ config and secrets. Pipeline state (incremental cursors)
    lives in `pipelines_dir`, by default a `pipelines/` folder beside the warehouse file.
    A source that fails loads nothing of that run: dlt extracts the whole run before it
    loads, so stored data is never half-updated. `target` picks the engine raw data lands
    for (ingestion/engines.py); the DuckDB file is used by the duckdb target only.
    """
    path = Path(duckdb_path or default_duckdb_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = raw_destination(target, path)
    if full_refresh:
        release_raw_tables(target)
    # each target keeps its own cursors: the same pipeline name on two destinations would clash
    suffix = "" if target == DEFAULT_TARGET else f"_{target}"
    results = []
    for name in sources:
        if name not in SOURCES:
            raise ValueError(f"unknown source {name!r}: choose one of {', '.join(SOURCES)}")
        if not full_refresh:
            check_incremental(target, f"raw_{name}")
        result = SourceResult(name)
        started = time.perf_counter()
        pipeline = dlt.pipeline(
            pipeline_name=f"kpibridge_{name}{suffix}",
            destination=raw.destination,
            dataset_name=f"raw_{name}",
            pipelines_dir=str(pipelines_dir or path.parent / "pipelines"),
            # rows per resource every 10 s on long runs; pages are logged by the HTTP client
            progress=dlt.progress.log(10, dump_system_stats=False) if progress else None,
        )
        try:
            pipeline.run(
                _source(name, (settings or {}).get(name, {})),
                loader_file_format=raw.loader_file_format,
                refresh="drop_sources" if full_refresh else None,
            )
        except Exception as exc:  # noqa: BLE001 - reported per source, others still load
            result.error = _root_message(exc)
            pipeline.abort_packages()
        else:
            result.rows = {
                table: count
                for table, count in pipeline.last_trace.last_normalize_info.row_counts.items()
                if not table.startswith("_dlt")
            }
        result.seconds = time.perf_counter() - started
        results.append(result)
    return results


def _root_message(exc: BaseException) -> str:
    """dlt wraps extraction errors; the innermost message is the one that names the fix."""
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return str(exc)
