"""The `kpibridge` command: simulate, ingest, build, serve, demo, benchmark."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from ingestion.config import ConfigError, check_settings_files
from ingestion.engines import TARGETS, EngineError, check_target, default_target
from ingestion.pipeline import (
    REPO_ROOT,
    SOURCES,
    SourceResult,
    default_duckdb_path,
    run_ingest,
    simulator_settings,
)
from ingestion.salt import ALLOW_DEMO_VAR
from ingestion.simulator.org import build_org
from ingestion.simulator.seeds import project_with_seeds
from ingestion.simulator.server import Simulator, serve_forever
from ingestion.warehouse_check import WarehouseDamaged
from ingestion.warehouse_lock import DEFAULT_TIMEOUT_SECONDS, TIMEOUT_ENV, WarehouseBusy

APP_ENTRY = REPO_ROOT / "app" / "Home.py"
DEMO_DIR = REPO_ROOT / "data" / "demo"
DEFAULT_SEED = 7  # the org the committed seeds describe
DEFAULT_PORTS = {"jira": 8081, "github": 8082, "pagerduty": 8083}


def default_marts_path() -> Path:
    return Path(os.environ.get("KPIBRIDGE_MARTS", REPO_ROOT / "data" / "marts.duckdb"))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        check_settings_files()
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpibridge",
        description="Engineering-KPI warehouse: Jira, GitHub and PagerDuty -> DuckDB -> KPIs.",
    )
    commands = parser.add_subparsers(required=True, metavar="command")

    simulate = commands.add_parser(
        "simulate",
        help="serve the simulated Jira, GitHub and PagerDuty APIs until Ctrl-C",
        description="Serve a deterministic synthetic organisation over the three vendor APIs "
        "(real paths, pagination, auth) on loopback, until Ctrl-C.",
    )
    _org_options(simulate)
    simulate.add_argument("--host", default="127.0.0.1")
    for api, port in DEFAULT_PORTS.items():
        simulate.add_argument(f"--{api}-port", type=int, default=port, help=f"default {port}")
    simulate.set_defaults(handler=_simulate)

    ingest = commands.add_parser(
        "ingest",
        help="land raw data in DuckDB (incremental by default)",
        description="Load Jira, GitHub and PagerDuty into the raw_<source> schemas of the "
        "warehouse. Settings and secrets come from .dlt/config.toml, "
        ".dlt/secrets.toml or SOURCES__<SOURCE>__<KEY> environment variables.",
    )
    ingest.add_argument(
        "--source",
        choices=SOURCES,
        action="append",
        help="only this source (repeatable); default: all three",
    )
    ingest.add_argument(
        "--full-refresh",
        action="store_true",
        help="drop this source's raw tables and load state, then load everything",
    )
    ingest.add_argument(
        "--simulator",
        action="store_true",
        help="ingest from a simulator started for this run (no accounts needed)",
    )
    ingest.add_argument(
        "--keep-loads",
        type=int,
        default=None,
        help="loaded dlt packages kept per source for debugging (default $KPIBRIDGE_KEEP_LOADS "
        "or 3); older ones are deleted after a successful load",
    )
    _org_options(ingest)
    _warehouse_option(ingest)
    _lock_timeout_option(ingest)
    _target_option(ingest)
    ingest.set_defaults(handler=_ingest)

    build = commands.add_parser(
        "build",
        help="dbt seed + build, then publish the marts",
        description="Run `dbt seed` and `dbt build` (models and tests) on the warehouse, then "
        "publish the marts to their own DuckDB file, replaced atomically.",
    )
    build.add_argument("--select", nargs="+", help="dbt node selection for `dbt build`")
    build.add_argument(
        "--vars",
        type=_json_object,
        default=None,
        help='dbt vars as JSON, e.g. \'{"pseudonymisation_salt": "..."}\' (the salt can also '
        "come from $KPIBRIDGE_SALT or [kpibridge] salt in .dlt/secrets.toml)",
    )
    _warehouse_option(build)
    _marts_option(build)
    _lock_timeout_option(build)
    _target_option(build)
    build.set_defaults(handler=_build)

    export = commands.add_parser(
        "export",
        help="write every published mart as parquet, with a manifest, to DIR",
        description="Write each published mart (models tagged `published` in dbt, and the "
        "seeds the app reads) as DIR/<mart>.parquet plus DIR/manifest.json with its "
        "columns, types and descriptions from the dbt docs. Any parquet reader opens them.",
    )
    export.add_argument("directory", type=Path, metavar="DIR")
    export.add_argument("--format", choices=("parquet",), default="parquet")
    _marts_option(export)
    export.set_defaults(handler=_export)

    serve = commands.add_parser(
        "serve",
        help="the Streamlit app on the published marts",
        description="Start the Streamlit app, reading the published marts file only.",
    )
    _marts_option(serve)
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.set_defaults(handler=_serve)

    demo = commands.add_parser(
        "demo",
        help="simulator -> ingest -> build -> app, all on loopback",
        description="Start the simulator, ingest it from scratch into data/demo/, build the "
        "warehouse and serve the app: the whole product with no accounts.",
    )
    _org_options(demo)
    demo.add_argument("--port", type=int, default=8501, help="app port (default 8501)")
    demo.add_argument("--no-browser", action="store_true", help="do not open a browser")
    demo.add_argument("--no-serve", action="store_true", help="stop after the build")
    demo.set_defaults(handler=_demo)

    report = commands.add_parser(
        "report",
        help="one team's review as a self-contained offline HTML file",
        description="Write a team's scorecard, trends, DORA view and business alignment for a "
        "quarter (2026-Q3) or month (2026-09) to one HTML file that opens offline.",
    )
    report.add_argument("--team", required=True, help="team key, or organisation")
    report.add_argument("--period", required=True, help="a quarter like 2026-Q3 or a month 2026-09")
    report.add_argument("-o", "--output", type=Path, required=True, help="the HTML file to write")
    _marts_option(report)
    report.set_defaults(handler=_report_command)

    doctor = commands.add_parser(
        "doctor",
        help="check the sources and compare the accounts with the team mapping seeds",
        description="Check each configured source (reachable, token, read scopes, one page of "
        "each endpoint), list what the accounts contain and compare it with seeds/: unmapped "
        "and missing repositories, boards and services, teams without an incident source, "
        "KPIs that cannot be computed. Exit 1 when something needs fixing.",
    )
    doctor.add_argument(
        "--draft-seeds",
        type=Path,
        metavar="DIR",
        help="write first teams.csv, team_sources.csv and service_catalog.csv to DIR",
    )
    doctor.add_argument(
        "--simulator",
        action="store_true",
        help="check a simulator started for this run (no accounts needed)",
    )
    _org_options(doctor)
    doctor.set_defaults(handler=_doctor)

    benchmark = commands.add_parser(
        "benchmark",
        help="requests, rows, time and memory of ingest and build per simulated scale",
        description="Per scale of a fresh simulated organisation (in a scratch directory): "
        "requests per source and endpoint beside the fewest the APIs allow, rows landed beside "
        "the organisation (a mismatch is printed as an ERROR and exits 1), a full, a no-change "
        "and a ~1 %%-changed incremental run, peak memory, the hours of GitHub quota a first "
        "load means, and the dbt build.",
    )
    benchmark.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"org seed (default {DEFAULT_SEED})"
    )
    benchmark.add_argument(
        "--scale",
        type=_positive_int,
        action="append",
        help="a scale to measure (repeatable, e.g. --scale 1 --scale 10; default 1)",
    )
    benchmark.add_argument("--skip-build", action="store_true", help="measure ingestion only")
    benchmark.add_argument("--json", type=Path, metavar="FILE", help="also write the figures")
    benchmark.set_defaults(handler=_benchmark)
    return parser


def _org_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"synthetic org seed (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--scale",
        type=_positive_int,
        default=1,
        help="multiplies teams and repos (1: 4 teams, 12 repos, 6 months)",
    )
    parser.add_argument(
        "--documented-fields",
        action="store_true",
        help="the simulator serves only the fields the vendors' API references document "
        "(sparser objects, e.g. Jira boards without location), as a real account may",
    )


def _simulator(args: argparse.Namespace) -> Simulator:
    """The simulator the org options describe (not started)."""
    return Simulator(
        build_org(args.seed, args.scale), documented_fields_only=args.documented_fields
    )


def _positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1 (a scale of 0 is an empty organisation)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, e.g. 1 or 10") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1: the smallest org is --scale 1")
    return value


def _warehouse_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        help="warehouse file (default $KPIBRIDGE_DUCKDB or data/kpibridge.duckdb)",
    )


def _lock_timeout_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long to wait for another kpibridge run or a reader holding the warehouse "
        f"(default ${TIMEOUT_ENV} or {DEFAULT_TIMEOUT_SECONDS:.0f})",
    )


def _json_object(text: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"--vars is not JSON ({exc}): {text!r}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"--vars must be a JSON object, got {text!r}")
    return value


def _target_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default=None,
        help="engine: duckdb (one file), postgres (KPIBRIDGE_PG_* server) or spark "
        "(parquet lake under KPIBRIDGE_LAKE); default $KPIBRIDGE_TARGET or duckdb",
    )


def _target(args: argparse.Namespace) -> str:
    return check_target(args.target) if getattr(args, "target", None) else default_target()


def _marts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--marts",
        type=Path,
        default=None,
        help="published marts file (default $KPIBRIDGE_MARTS or data/marts.duckdb)",
    )


def _simulate(args: argparse.Namespace) -> int:
    ports = {api: getattr(args, f"{api}_port") for api in DEFAULT_PORTS}
    serve_forever(
        build_org(seed=args.seed, scale=args.scale),
        args.host,
        ports,
        documented_fields_only=args.documented_fields,
    )
    return 0


def _ingest(args: argparse.Namespace) -> int:
    simulator = _simulator(args) if args.simulator else nullcontext()
    try:
        with simulator as sim:
            results = run_ingest(
                args.source or SOURCES,
                duckdb_path=args.duckdb or default_duckdb_path(),
                full_refresh=args.full_refresh,
                settings=simulator_settings(sim.urls) if sim else None,
                progress=True,
                lock_timeout=args.lock_timeout,
                keep_loads=args.keep_loads,
                target=_target(args),
            )
    except (WarehouseBusy, WarehouseDamaged) as exc:
        print(f"ingest stopped: {exc}", file=sys.stderr)
        return 1
    except EngineError as exc:
        print(f"ingest failed: {exc}", file=sys.stderr)
        return 2
    return _report(results)


def _report(results: list[SourceResult]) -> int:
    for result in results:
        # a load an interrupted run left pending is finished first and reported on its own
        name = f"{result.source} (interrupted run, finished)" if result.resumed else result.source
        if result.error:
            print(f"{name:10s} FAILED after {result.seconds:.1f}s: {result.error}")
        else:
            rows = sum(result.rows.values())
            tables = ", ".join(f"{t} {n}" for t, n in sorted(result.rows.items()))
            print(f"{name:10s} {rows} rows in {result.seconds:.1f}s ({tables or 'none'})")
    return 1 if any(r.error for r in results) else 0


def _build(
    args: argparse.Namespace,
    dbt_vars: dict[str, object] | None = None,
    project_dir: Path = REPO_ROOT,
) -> int:
    from ingestion.build import BuildError, build_warehouse

    try:
        target = _target(args)
        build_warehouse(
            args.duckdb or default_duckdb_path(),
            select=args.select,
            marts_path=args.marts or default_marts_path(),
            dbt_vars={**(getattr(args, "vars", None) or {}), **(dbt_vars or {})},
            project_dir=project_dir,
            lock_timeout=getattr(args, "lock_timeout", None),
            target=target,
        )
    except (BuildError, EngineError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    if target == "duckdb":
        print(f"published {args.marts or default_marts_path()}")
    else:
        print(f"built on {target}: the marts schema there is the published interface")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ingestion.export import ExportError, export_marts

    try:
        written = export_marts(args.marts or default_marts_path(), args.directory)
    except ExportError as exc:
        print(f"export failed: {exc}", file=sys.stderr)
        return 1
    print(f"exported {len(written)} marts and manifest.json to {args.directory}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    marts = (args.marts or default_marts_path()).resolve()
    if not marts.exists():
        print(
            f"no published marts at {marts}: run `kpibridge build` (or `kpibridge demo`)",
            file=sys.stderr,
        )
        return 1
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_ENTRY),
        "--server.port",
        str(args.port),
        "--browser.gatherUsageStats",
        "false",
        "--server.headless",
        "true" if args.no_browser else "false",
    ]
    app = subprocess.Popen(command, env={**os.environ, "KPIBRIDGE_MARTS": str(marts)})
    # a service manager stops us with SIGTERM: Streamlit must stop with us, not linger
    signal.signal(signal.SIGTERM, lambda *_: app.terminate())
    try:
        return app.wait()
    except KeyboardInterrupt:
        app.terminate()
        return app.wait()


def _demo(args: argparse.Namespace) -> int:
    warehouse, marts = DEMO_DIR / "kpibridge.duckdb", DEMO_DIR / "marts.duckdb"
    with _simulator(args) as sim:
        print(f"simulator: {', '.join(f'{k} {v}' for k, v in sim.urls.items())}")
        results = run_ingest(
            SOURCES,
            duckdb_path=warehouse,
            full_refresh=True,
            settings=simulator_settings(sim.urls),
            progress=True,
        )
    if _report(results):
        return 1
    build_args = argparse.Namespace(duckdb=warehouse, marts=marts, select=None, target="duckdb")
    # the committed seeds describe the default org; another seed or scale brings its own
    project = REPO_ROOT
    if (args.seed, args.scale) != (DEFAULT_SEED, 1):
        project = project_with_seeds(sim.org, REPO_ROOT, DEMO_DIR / "project")
    # the simulated history ends at the org's end: its last month is complete; its people are
    # synthetic, so the committed demo salt is fine
    as_of = {"kpi_as_of_date": sim.org.end.date().isoformat(), ALLOW_DEMO_VAR: True}
    if _build(build_args, dbt_vars=as_of, project_dir=project):
        return 1
    print(f"warehouse {warehouse}\nmarts     {marts}")
    if args.no_serve:
        return 0
    return _serve(argparse.Namespace(marts=marts, port=args.port, no_browser=args.no_browser))


def _report_command(args: argparse.Namespace) -> int:
    from app.marts import MartsUnavailable
    from app.report import ReportError, write_report

    try:
        out = write_report(args.marts or default_marts_path(), args.team, args.period, args.output)
    except (ReportError, MartsUnavailable) as exc:
        print(f"report failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from ingestion.config import production_environments, project_vars, source_settings
    from ingestion.doctor import draft_seeds, run_doctor

    production = production_environments()
    workflows = project_vars()["deployment_workflows"]
    simulator = _simulator(args) if args.simulator else nullcontext()
    with simulator as sim:
        settings = (
            simulator_settings(sim.urls)
            if sim
            else {source: source_settings(source) for source in SOURCES}
        )
        report = run_doctor(settings, REPO_ROOT / "seeds", production, workflows)
    for finding in report.findings:
        mark = "ok  " if finding.ok else "FIX "
        print(f"{mark}{finding.source:10s} {finding.check}: {finding.detail}")
    if args.draft_seeds:
        for path in draft_seeds(report.inventory, args.draft_seeds, production, workflows):
            print(f"drafted {path}")
    return 0 if report.ok else 1


def _benchmark(args: argparse.Namespace) -> int:
    from ingestion.benchmark import complete, run_benchmark

    figures = run_benchmark(
        seed=args.seed, scales=args.scale or [1], build=not args.skip_build, json_path=args.json
    )
    return 0 if complete(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
