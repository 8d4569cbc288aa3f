"""Incremental build vs full refresh, wall clock, on the incremental build tests' scenario.

    uv run python -m bench.incremental_timing --scale 3 [--target postgres]

Lands the simulator org at the scale, builds it, applies tests.conftest.change_org (about 1 %
of the records change a day after the org's end), ingests incrementally, then times
`kpibridge build` (incremental) and the same build with the fingerprint removed (a full
refresh of the same data). postgres needs KPIBRIDGE_PG_* (.ci/postgres-server start).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from ingestion.build import REPO_ROOT, build_warehouse
from ingestion.engines import connect
from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from tests.conftest import INCREMENTAL_MODELS, change_org


def model_seconds() -> str:
    """dbt's run time of all models and of the incremental ones in the last build (from
    target/run_results.json)."""
    results = json.loads((REPO_ROOT / "target" / "run_results.json").read_text())["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    incremental = {
        r["unique_id"].split(".")[-1]: r["execution_time"]
        for r in models
        if r["unique_id"].split(".")[-1] in INCREMENTAL_MODELS
    }
    each = ", ".join(f"{model} {seconds:.2f}" for model, seconds in incremental.items())
    return (
        f"models {sum(r['execution_time'] for r in models):.1f} s, "
        f"the incremental ones {sum(incremental.values()):.2f} s: {each}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--target", choices=("duckdb", "postgres"), default="duckdb")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kpibridge-incremental-"))
    warehouse = folder / "kpibridge.duckdb"
    org = build_org(scale=args.scale)
    vars_ = {"kpi_as_of_date": org.end.date().isoformat(), "allow_demo_salt": True}

    def ingest(full_refresh: bool) -> None:
        with Simulator(org) as sim:
            results = run_ingest(
                duckdb_path=warehouse,
                settings=simulator_settings(sim.urls),
                full_refresh=full_refresh,
                target=args.target,
            )
        assert not [r.error for r in results if r.error]

    def build(path: Path) -> str:
        started = time.perf_counter()
        build_warehouse(
            path,
            marts_path=path.with_suffix(".marts.duckdb"),
            dbt_vars=vars_,
            target=args.target,
        )
        return f"{time.perf_counter() - started:.1f} s ({model_seconds()})"

    def forget_fingerprint(path: Path) -> None:
        with connect(args.target, path) as query:
            query("delete from kpibridge_state.build_fingerprint")

    try:
        ingest(full_refresh=True)
        first = build(warehouse)
        change_org(org)
        ingest(full_refresh=False)
        reference = folder / "reference.duckdb"
        if args.target == "duckdb":
            shutil.copy(warehouse, reference)
        incremental = build(warehouse)
        with connect(args.target, warehouse, read_only=args.target == "duckdb") as query:
            rows = {
                m: query(f"select count(*) from intermediate.{m}")[0][0] for m in INCREMENTAL_MODELS
            }
        if args.target == "duckdb":
            forget_fingerprint(reference)
            full = build(reference)
        else:
            forget_fingerprint(warehouse)
            full = build(warehouse)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.target} scale {args.scale}: first build {first}")
    print(f"incremental build {incremental}")
    print(f"full refresh of the same data {full}")
    print("rows: " + ", ".join(f"{model} {count:,}" for model, count in rows.items()))


if __name__ == "__main__":
    main()
