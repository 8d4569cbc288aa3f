"""`kpibridge benchmark`: per scale of the simulated organisation, the requests each source and
endpoint made beside the fewest the APIs allow, the rows landed beside the organisation's own
counts, a full load, a no-change run and a run after about 1 % of the records changed, peak
memory, and the hours of a 5,000-per-hour quota a first load means.

Speed and memory are printed here rather than asserted in tests: they depend on the machine.
Each scale runs in its own process, so its peak memory is its own.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

import duckdb

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.expected import expected_rows
from ingestion.simulator.github_graphql import points_spent
from ingestion.simulator.minimum import label, minimum_requests
from ingestion.simulator.org import build_org, mutate_org
from ingestion.simulator.seeds import project_with_seeds
from ingestion.simulator.server import Simulator

HOURLY_QUOTA = 5000  # GitHub: REST requests per hour, and GraphQL points per hour, per token
CHANGED_SHARE = 0.01  # records changed between the full and the incremental run
TARGET_ENGINEERS = 5000  # the first-load estimate is scaled to an organisation this size


@dataclass
class RunFigures:
    """One ingest run: what it cost and what it left in the warehouse."""

    seconds: float
    requests: dict[str, int]
    endpoints: dict[str, int]  # "api endpoint" -> requests
    graphql_points: int
    rows: dict[str, int]  # raw table -> rows in the warehouse after the run
    mismatches: dict[str, tuple[int, int]]  # raw table -> (landed, expected)


@dataclass
class ScaleFigures:
    seed: int
    scale: int
    teams: int
    repos: int
    engineers: int
    records: dict[str, int]  # pull requests, deployments, issues, incidents
    minimum: dict[str, int]  # "api endpoint" -> fewest requests of a first load
    changed: dict[str, int] = field(default_factory=dict)
    runs: dict[str, RunFigures] = field(default_factory=dict)
    build_seconds: float | None = None
    kpi_values_rows: int | None = None
    peak_rss_mib: float = 0.0


def _landed(warehouse: Path, tables: list[str]) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
            for table in tables
        }


def _ingest(sim: Simulator, warehouse: Path, full_refresh: bool) -> RunFigures:
    requests_before = Counter(sim.request_counts)
    endpoints_before = Counter(sim.request_counts_by_endpoint)
    points_before = points_spent(sim.org)
    started = time.perf_counter()
    results = run_ingest(
        duckdb_path=warehouse, full_refresh=full_refresh, settings=simulator_settings(sim.urls)
    )
    seconds = time.perf_counter() - started
    failed = [f"{r.source}: {r.error}" for r in results if r.error]
    if failed:
        raise RuntimeError("; ".join(failed))
    expected = expected_rows(sim.org)
    rows = _landed(warehouse, sorted(expected))
    endpoints = Counter(sim.request_counts_by_endpoint) - endpoints_before
    return RunFigures(
        seconds=seconds,
        requests=dict(Counter(sim.request_counts) - requests_before),
        endpoints={f"{api} {label(route)}": n for (api, route), n in sorted(endpoints.items())},
        graphql_points=points_spent(sim.org) - points_before,
        rows=rows,
        mismatches={t: (rows[t], n) for t, n in expected.items() if rows[t] != n},
    )


def measure_scale(seed: int, scale: int, build: bool) -> ScaleFigures:
    """Full, no-change and ~1 %-changed runs of one organisation, then (optionally) the build."""
    org = build_org(seed=seed, scale=scale)
    figures = ScaleFigures(
        seed=seed,
        scale=scale,
        teams=len(org.teams),
        repos=len(org.repos),
        engineers=len(org.people),
        records={
            "pull_requests": len(org.pull_requests),
            "deployments": len(org.deployments),
            "issues": len(org.issues),
            "incidents": len(org.incidents),
        },
        minimum={f"{api} {endpoint}": n for (api, endpoint), n in minimum_requests(org).items()},
    )
    with tempfile.TemporaryDirectory(prefix="kpibridge-bench-") as scratch:
        warehouse = Path(scratch) / "kpibridge.duckdb"
        with Simulator(org) as sim:
            figures.runs["full"] = _ingest(sim, warehouse, full_refresh=True)
            figures.runs["no_change"] = _ingest(sim, warehouse, full_refresh=False)
            per_source = sum(figures.records.values()) * CHANGED_SHARE / 3
            figures.changed = mutate_org(
                org, max(1, round(per_source)), at=org.end + timedelta(days=1)
            )
            figures.runs["changed"] = _ingest(sim, warehouse, full_refresh=False)
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
            figures.build_seconds = time.perf_counter() - started
            with duckdb.connect(str(marts), read_only=True) as con:
                figures.kpi_values_rows = con.execute("select count(*) from kpi_values").fetchone()[
                    0
                ]  # type: ignore[index]
    figures.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def first_load_hours(figures: ScaleFigures, engineers: int | None = None) -> float:
    """Hours of one GitHub token's quota the full load needs (REST requests and GraphQL points
    are separate hourly budgets: the larger decides), scaled to `engineers` if given."""
    full = figures.runs["full"]
    rest = full.requests.get("github", 0) - full.endpoints.get("github /graphql", 0)
    hours = max(rest, full.graphql_points) / HOURLY_QUOTA
    return hours * (engineers / figures.engineers if engineers else 1)


def report(figures: ScaleFigures) -> list[str]:
    """The figures of one scale as printed lines; a row mismatch is printed as an ERROR."""
    full, no_change, changed = (figures.runs[k] for k in ("full", "no_change", "changed"))
    lines = [
        f"scale {figures.scale} (seed {figures.seed}): {figures.teams} teams, "
        f"{figures.repos} repos, {figures.engineers} engineers; "
        + ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in figures.records.items()),
        f"  {'endpoint':52s} {'full':>7s} {'minimum':>8s} {'no-change':>10s} {'changed':>8s}",
    ]
    for endpoint in sorted(set(full.endpoints) | set(figures.minimum)):
        minimum = figures.minimum.get(endpoint)
        lines.append(
            f"  {endpoint:52s} {full.endpoints.get(endpoint, 0):7,d} "
            f"{'' if minimum is None else f'{minimum:,d}':>8s} "
            f"{no_change.endpoints.get(endpoint, 0):10,d} {changed.endpoints.get(endpoint, 0):8,d}"
        )
    total_min = sum(figures.minimum.values())
    total = sum(full.requests.values())
    lines.append(
        f"  {'all':52s} {total:7,d} {total_min:8,d} {sum(no_change.requests.values()):10,d} "
        f"{sum(changed.requests.values()):8,d}   (full = {total / total_min:.2f}x the minimum)"
    )
    per_entity = {
        "github": figures.records["pull_requests"] + figures.records["deployments"],
        "jira": figures.records["issues"],
        "pagerduty": figures.records["incidents"],
    }
    lines.append(
        "  requests per entity (full): "
        + ", ".join(
            f"{api} {full.requests.get(api, 0) / n:.3f}" for api, n in per_entity.items() if n
        )
    )
    lines.append(
        f"  seconds: full {full.seconds:.1f}, no-change {no_change.seconds:.1f}, "
        f"changed {changed.seconds:.1f}; no-change run = "
        f"{sum(no_change.requests.values()) / total:.1%} of the full run's requests"
    )
    lines.append(f"  changed records: {', '.join(f'{k} {v}' for k, v in figures.changed.items())}")
    lines.append(
        f"  GitHub quota: {full.graphql_points:,} GraphQL points; first load "
        f"{first_load_hours(figures):.2f} h at {HOURLY_QUOTA:,}/h, "
        f"{first_load_hours(figures, TARGET_ENGINEERS):.1f} h for {TARGET_ENGINEERS:,} engineers"
    )
    for name, run in figures.runs.items():
        landed = sum(run.rows.values())
        if run.mismatches:
            for table, (got, want) in sorted(run.mismatches.items()):
                lines.append(f"  ERROR {name}: {table} landed {got:,} rows, the org has {want:,}")
        else:
            lines.append(f"  rows after {name}: {landed:,} in {len(run.rows)} raw tables = the org")
    if figures.build_seconds is not None:
        built = f"dbt build {figures.build_seconds:.1f} s"
        lines.append(f"  {built}, kpi_values {figures.kpi_values_rows:,} rows")
    lines.append(f"  peak memory {figures.peak_rss_mib:,.0f} MiB")
    return lines


def run_benchmark(
    seed: int = 7,
    scales: list[int] | tuple[int, ...] = (1,),
    build: bool = True,
    json_path: Path | None = None,
) -> list[ScaleFigures]:
    """Measure each scale in its own process; print the figures and optionally write JSON."""
    context = multiprocessing.get_context("spawn")
    measured = []
    for scale in scales:
        with context.Pool(1) as pool:
            figures = pool.apply(measure_scale, (seed, scale, build))
        print("\n".join(report(figures)), flush=True)
        measured.append(figures)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps([asdict(f) for f in measured], indent=2) + "\n")
    return measured


def complete(figures: list[ScaleFigures]) -> bool:
    """Every run of every scale landed exactly the organisation."""
    return all(not run.mismatches for f in figures for run in f.runs.values())
