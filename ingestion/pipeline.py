"""Build and run one dlt pipeline per source into DuckDB (raw_jira, raw_github, raw_pagerduty)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# dlt warns once per column that only ever held nulls: real payloads have many, none actionable
os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")

import dlt  # noqa: E402  - telemetry must be off before dlt reads its config

from ingestion import history, warehouse_lock  # noqa: E402
from ingestion.engines import (  # noqa: E402
    DEFAULT_TARGET,
    RawDestination,
    check_incremental,
    raw_destination,
    release_raw_tables,
)
from ingestion.recovery import pending_rows, resume_interrupted  # noqa: E402
from ingestion.simulator.common import Credentials  # noqa: E402
from ingestion.sources.github import github_source  # noqa: E402
from ingestion.sources.jira import jira_source  # noqa: E402
from ingestion.sources.pagerduty import pagerduty_source  # noqa: E402
from ingestion.warehouse_check import check_readable  # noqa: E402

SOURCES = ("jira", "github", "pagerduty")
REPO_ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("kpibridge.ingest")
T = TypeVar("T")


def default_duckdb_path() -> Path:
    return Path(os.environ.get("KPIBRIDGE_DUCKDB", REPO_ROOT / "data" / "kpibridge.duckdb"))


@dataclass
class SourceResult:
    source: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    # True: this result finished the load an interrupted (killed) run left pending
    resumed: bool = False


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
    lock_timeout: float | None = None,
    keep_loads: int | None = None,
    target: str = DEFAULT_TARGET,
) -> list[SourceResult]:
    """Load each source into its raw_<source> dataset; one failing source spares the others.

    `settings` overrides source arguments (base URLs, credentials); without it dlt reads them
    from the environment and .dlt/ config and secrets. Pipeline state (incremental cursors)
    lives in `pipelines_dir`, by default a `pipelines/` folder beside the warehouse file.
    A source that fails loads nothing of that run: dlt extracts the whole run before it
    loads, so stored data is never half-updated. A load a killed run left pending is finished
    first (reported as its own result with `resumed=True`), then the requested run proceeds.
    The run waits up to `lock_timeout` seconds for another writer or a reader of the warehouse
    and refuses a warehouse it cannot read back. After a successful load only the newest
    `keep_loads` loaded packages stay in the pipeline folder. `target` picks the engine raw
    data lands for (ingestion/engines.py); the DuckDB file, and so its locks, belong to the
    duckdb target only.
    """
    unknown = [name for name in sources if name not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source {unknown[0]!r}: choose one of {', '.join(SOURCES)}")
    path = Path(duckdb_path or default_duckdb_path()).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    timeout = warehouse_lock.lock_timeout(lock_timeout)
    on_duckdb = target == DEFAULT_TARGET
    run = _Run(
        warehouse=path,
        pipelines_dir=Path(pipelines_dir or path.parent / "pipelines"),
        timeout=timeout,
        keep_loads=history.keep_loads(keep_loads),
        progress=progress,
        raw=raw_destination(target, path),
        # each target keeps its own cursors: the same pipeline name on two destinations clashes
        pipeline_suffix="" if on_duckdb else f"_{target}",
        locks=on_duckdb,
    )
    if full_refresh:
        release_raw_tables(target)
    with (
        warehouse_lock.writer_run(path, warehouse_lock.current_command(), timeout)
        if on_duckdb
        else nullcontext()
    ):
        if on_duckdb:
            warehouse_lock.wait_until_writable(path, timeout)
            check_readable(path)
        results: list[SourceResult] = []
        for name in sources:
            if not full_refresh:
                check_incremental(target, f"raw_{name}")
            results += run.ingest(name, (settings or {}).get(name, {}), full_refresh)
    return results


@dataclass
class _Run:
    """One ingest run's settings, shared by its sources."""

    warehouse: Path
    pipelines_dir: Path
    timeout: float
    keep_loads: int
    progress: bool
    raw: RawDestination
    pipeline_suffix: str
    locks: bool  # the DuckDB warehouse's locks apply

    def ingest(self, name: str, settings: dict[str, Any], full_refresh: bool) -> list[SourceResult]:
        started = time.perf_counter()
        pipeline = dlt.pipeline(
            pipeline_name=f"kpibridge_{name}{self.pipeline_suffix}",
            destination=self.raw.destination,
            dataset_name=f"raw_{name}",
            pipelines_dir=str(self.pipelines_dir),
            # rows per resource every 10 s on long runs; pages are logged by the HTTP client
            progress=dlt.progress.log(10, dump_system_stats=False) if self.progress else None,
        )
        results = []
        try:
            self._unlocked(pipeline.sync_destination)
            resumed = resume_interrupted(pipeline, self._unlocked)
        except Exception as exc:  # noqa: BLE001 - reported per source, others still load
            message = (
                f"finishing the load an interrupted run left pending failed: "
                f"{_root_message(exc)}. It stays pending; the next ingest tries again."
            )
            return [SourceResult(name, time.perf_counter() - started, error=message, resumed=True)]
        if resumed is not None:
            results.append(SourceResult(name, time.perf_counter() - started, resumed, resumed=True))
            started = time.perf_counter()
        result = SourceResult(name)
        try:
            result.rows = self._extract_and_load(pipeline, _source(name, settings), full_refresh)
        except warehouse_lock.WarehouseBusy as exc:
            # the extraction is complete and stays pending: the next run loads it
            result.error = f"{exc} The extracted data is kept and loads at the next ingest."
        except Exception as exc:  # noqa: BLE001 - reported per source, others still load
            result.error = _root_message(exc)
            pipeline.abort_packages()
        else:
            history.prune(Path(pipeline.working_dir), self.keep_loads)
        result.seconds = time.perf_counter() - started
        return [*results, result]

    def _extract_and_load(
        self, pipeline: dlt.Pipeline, source: Any, full_refresh: bool
    ) -> dict[str, int]:
        pipeline.extract(
            source,
            loader_file_format=self.raw.loader_file_format,
            refresh="drop_sources" if full_refresh else None,
        )
        pipeline.normalize()
        rows = pending_rows(pipeline)
        self._unlocked(pipeline.load)
        return rows

    def _unlocked(self, step: Callable[[], T]) -> T:
        if not self.locks:
            return step()
        return warehouse_lock.when_unlocked(step, self.warehouse, self.timeout)


def _root_message(exc: BaseException) -> str:
    """dlt wraps extraction errors; the innermost message is the one that names the fix.

    An exception raised `from None` (ours, already naming the fix) ends the walk.
    """
    while exc.__cause__ or (exc.__context__ and not exc.__suppress_context__):
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return str(exc)
