"""Per-page render time of the app on a cache miss, printed (never asserted in tests).

    uv run python bench/app_timing.py --scale 10            # builds a scale-10 org first
    uv run python bench/app_timing.py --marts data/marts.duckdb

Each render gets a fresh copy of the marts file, so its file identity is new and every query of
the render misses the cache: the figure includes attaching the file for the render's snapshot.
Pages are rendered with Streamlit's AppTest (the script and its queries, without a browser) for
the organisation and the first team, at the quarter grain, for the last complete quarter.

Wall time counts whatever else the machine runs; the CPU time the process spent on the render is
printed beside it, and an empty page's render time as AppTest's own share.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))


def build_marts(scale: int, folder: Path) -> Path:
    """Simulate -> ingest -> dbt build a scale-N org into `folder`; the published marts."""
    from ingestion.build import build_warehouse
    from ingestion.pipeline import run_ingest, simulator_settings
    from ingestion.simulator.org import build_org
    from ingestion.simulator.seeds import project_with_seeds
    from ingestion.simulator.server import Simulator

    org = build_org(seed=7, scale=scale)
    warehouse, marts = folder / "kpibridge.duckdb", folder / "marts.duckdb"
    with Simulator(org) as sim:
        results = run_ingest(duckdb_path=warehouse, settings=simulator_settings(sim.urls))
    failed = [f"{r.source}: {r.error}" for r in results if r.error]
    if failed:
        raise SystemExit(f"ingest failed: {failed}")
    build_warehouse(
        warehouse,
        marts_path=marts,
        project_dir=project_with_seeds(org, REPO_ROOT, folder / "project"),
        # simulated people: the committed demo salt is allowed
        dbt_vars={"kpi_as_of_date": org.end.date().isoformat(), "allow_demo_salt": True},
    )
    return marts


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


Timings = dict[str, tuple[list[float], list[float]]]  # page -> (wall ms, CPU ms) per render


def share_script_cache() -> None:
    """AppTest hands every run a new ScriptCache, so each run compiles the page script again
    (with Streamlit's magic rewrite: 10-15 ms for the longer pages). A server keeps one cache
    and compiles each page once per process; one cache shared by every run times the render a
    server does."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    shared = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[misc,assignment]


def time_empty_page(rounds: int, scratch: Path) -> Timings:
    """AppTest's own cost of a render: a page that only sets its title."""
    from streamlit.testing.v1 import AppTest

    script = scratch / "empty_page.py"
    script.write_text('import streamlit as st\n\nst.title("Empty")\n')
    at = AppTest.from_file(str(script))
    at.run()
    timings: Timings = {"(an empty page)": ([], [])}
    for _ in range(2 * rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        timings["(an empty page)"][0].append(1000 * (time.perf_counter() - wall))
        timings["(an empty page)"][1].append(1000 * (time.process_time() - cpu))
    return timings


def time_pages(marts: Path, rounds: int, scratch: Path) -> Timings:
    import duckdb
    from streamlit.testing.v1 import AppTest

    from app import page_scripts

    with duckdb.connect(str(marts), read_only=True) as con:
        first_team = con.execute("select min(team_key) from teams").fetchone()[0]
    timings: Timings = {page: ([], []) for page in page_scripts()}
    for team in ("organisation", first_team):
        for page in page_scripts():
            # one AppTest per page and team: its first run pays AppTest's own start-up
            # (component scan, imports), which a running server does not
            os.environ["KPIBRIDGE_MARTS"] = str(marts)
            at = AppTest.from_file(str(REPO_ROOT / "app" / page), default_timeout=120)
            at.session_state["team"] = team
            at.session_state["grain"] = "quarter"
            at.run()
            for round_number in range(rounds):
                fresh = scratch / f"marts_{round_number}.duckdb"
                shutil.copy(marts, fresh)
                os.environ["KPIBRIDGE_MARTS"] = str(fresh)
                wall, cpu = time.perf_counter(), time.process_time()
                at.run()
                timings[page][0].append(1000 * (time.perf_counter() - wall))
                timings[page][1].append(1000 * (time.process_time() - cpu))
                if at.exception:
                    raise SystemExit(f"{page} failed: {at.exception}")
                fresh.unlink()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--marts", type=Path, help="an existing published marts file")
    source.add_argument("--scale", type=int, help="build a simulated org of this scale first")
    parser.add_argument("--rounds", type=int, default=5, help="renders per page and team")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpibridge-app-timing-") as folder:
        scratch = Path(folder)
        if args.marts:
            marts = args.marts
        else:
            started = time.perf_counter()
            marts = build_marts(args.scale, scratch)
            print(f"built scale {args.scale} marts in {time.perf_counter() - started:.0f} s")
        load_before = os.getloadavg()[0]
        share_script_cache()
        timings = time_pages(marts, args.rounds, scratch) | time_empty_page(args.rounds, scratch)
    print(f"app page render on a cache miss ({args.rounds} rounds x 2 teams), milliseconds")
    print(f"  {'page':32s} {'median':>8s} {'p95':>8s} {'CPU med':>8s} {'CPU p95':>8s}")
    for page, (wall, cpu) in timings.items():
        print(
            f"  {page:32s} {statistics.median(wall):8.0f} {p95(wall):8.0f} "
            f"{statistics.median(cpu):8.0f} {p95(cpu):8.0f}"
        )
    print(f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
