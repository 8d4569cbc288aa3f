"""Figures for the pipeline on a fresh simulated organisation: seconds, requests, rows, memory.

Speed and memory are printed here rather than asserted in tests: they depend on the machine.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import duckdb

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.org import build_org
from ingestion.simulator.seeds import project_with_seeds
from ingestion.simulator.server import Simulator


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_benchmark(seed: int = 7, scale: int = 1, build: bool = True) -> dict[str, float]:
    """Run org -> ingest (full, then incremental) -> build in a scratch dir; print figures."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kpibridge-bench-") as scratch:
        warehouse = Path(scratch) / "kpibridge.duckdb"
        started = time.perf_counter()
        org = build_org(seed=seed, scale=scale)
        figures["org_seconds"] = time.perf_counter() - started
        with Simulator(org) as sim:
            for label, full_refresh in (("full", True), ("incremental", False)):
                before = sum(sim.request_counts.values())
                started = time.perf_counter()
                results = run_ingest(
                    duckdb_path=warehouse,
                    full_refresh=full_refresh,
                    settings=simulator_settings(sim.urls),
                )
                figures[f"ingest_{label}_seconds"] = time.perf_counter() - started
                figures[f"ingest_{label}_requests"] = sum(sim.request_counts.values()) - before
                figures[f"ingest_{label}_rows"] = sum(sum(r.rows.values()) for r in results)
                for result in results:
                    if result.error:
                        raise RuntimeError(f"{result.source} failed: {result.error}")
                    figures[f"ingest_{label}_{result.source}_seconds"] = result.seconds
        if build:
            from ingestion.build import REPO_ROOT, build_warehouse

            marts = Path(scratch) / "marts.duckdb"
            project = project_with_seeds(org, REPO_ROOT, Path(scratch) / "project")
            started = time.perf_counter()
            build_warehouse(
                warehouse,
                marts_path=marts,
                project_dir=project,
                dbt_vars={"kpi_as_of_date": org.end.date().isoformat(), "allow_demo_salt": True},
            )
            figures["build_seconds"] = time.perf_counter() - started
            with duckdb.connect(str(marts), read_only=True) as con:
                row = con.execute("select count(*) from kpi_values").fetchone()
            figures["kpi_values_rows"] = row[0] if row else 0
        figures["warehouse_mib"] = warehouse.stat().st_size / 2**20
    figures["peak_rss_mib"] = _peak_rss_mib()
    print(
        f"kpibridge benchmark: seed {seed}, scale {scale} "
        f"({len(org.teams)} teams, {len(org.repos)} repos)"
    )
    for name, value in figures.items():
        print(f"  {name:40s} {value:12.1f}")
    return figures
