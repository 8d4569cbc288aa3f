"""Build the dbt project into the warehouse, then publish the marts to their own DuckDB file.

Readers (the Streamlit app, BI tools) open data/marts.duckdb only. It is written as a new file
and os.replace()-d over the old one, so a reader never sees a half-built file and is never
blocked by the dbt writer's lock on the warehouse.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from ingestion import seed_failures, warehouse_lock
from ingestion.build_fingerprint import (
    project_fingerprint,
    raw_loads,
    store_fingerprint,
    take_fingerprint,
)
from ingestion.config import ConfigError, production_vars, project_vars
from ingestion.engines import DEFAULT_TARGET, check_target, prepare_engine
from ingestion.published import ITEM_MARTS_VAR, ManifestError, PublishedMart, published_marts
from ingestion.salt import DemoSaltRefused, salt_vars
from ingestion.warehouse_check import WarehouseDamaged, check_readable

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = REPO_ROOT / "data" / "kpibridge.duckdb"
DEFAULT_MARTS = REPO_ROOT / "data" / "marts.duckdb"
MARTS_SCHEMA = "marts"
_FAILED_STATUSES = {"error", "fail", "runtime error"}
# failing rows of a warned test named in the build summary
_WARNED_ROWS_SHOWN = 10
log = logging.getLogger("kpibridge.build")


class BuildError(RuntimeError):
    """dbt failed, or the warehouse has nothing to publish."""


class DbtFailed(BuildError):
    """A dbt command failed; carries the failed results to explain once dbt let go."""

    def __init__(self, message: str, failed: list[Any]) -> None:
        super().__init__(message)
        self.failed = failed

    def explained(self, warehouse: Path, project: Path) -> str:
        """The message, with file, line, value and fix for each failed seed test."""
        seed_messages = [
            message
            for item in self.failed
            if (message := seed_failures.explain(item.node, warehouse, project))
        ]
        return "\n".join([str(self), *seed_messages])


def build_warehouse(
    duckdb_path: Path | str = DEFAULT_WAREHOUSE,
    select: Sequence[str] | str | None = None,
    marts_path: Path | str = DEFAULT_MARTS,
    project_dir: Path | str = REPO_ROOT,
    dbt_vars: Mapping[str, object] | None = None,
    lock_timeout: float | None = None,
    target: str = DEFAULT_TARGET,
) -> None:
    """`dbt seed` + `dbt build` into duckdb_path, then publish its marts to marts_path.

    dbt_vars override dbt_project.yml vars (e.g. {"kpi_as_of_date": "2026-11-01"}); the
    pseudonymisation salt comes from them, $KPIBRIDGE_SALT or .dlt config (ingestion.salt).
    The build waits up to `lock_timeout` seconds for another writer or a reader of the
    warehouse, and refuses a warehouse it cannot read back. On a server or lakehouse target
    (postgres, spark) dbt builds there instead, and the `marts` schema itself is the published
    interface: nothing is copied (docs/scaling.md).
    """
    check_target(target)
    warehouse = Path(duckdb_path).resolve()
    if target == DEFAULT_TARGET and not warehouse.exists():
        raise BuildError(
            f"warehouse {warehouse} does not exist: run `kpibridge ingest` first "
            "(or pass duckdb_path= to an ingested DuckDB file)"
        )
    try:
        resolved_vars = salt_vars(dbt_vars) | production_vars(dbt_vars, Path(project_dir))
    except (DemoSaltRefused, ConfigError) as exc:
        raise BuildError(str(exc)) from None
    item_marts = publishes_item_marts(resolved_vars, Path(project_dir))
    if target != DEFAULT_TARGET:
        if not item_marts:
            log.warning(
                "%s=false withholds the per-item marts from the DuckDB marts file only: on %s "
                "the marts schema is what readers see, so grant them the KPI marts only "
                "(SECURITY.md)",
                ITEM_MARTS_VAR,
                target,
            )
        _build_on_engine(target, select, project_dir, {**prepare_engine(target), **resolved_vars})
        return
    selectors = [select] if isinstance(select, str) else list(select or [])
    var_args = ["--vars", json.dumps(resolved_vars)] if resolved_vars else []
    timeout = warehouse_lock.lock_timeout(lock_timeout)
    try:
        with warehouse_lock.writer_run(warehouse, warehouse_lock.current_command(), timeout):
            warehouse_lock.wait_until_writable(warehouse, timeout)
            check_readable(warehouse)
            fingerprint = project_fingerprint(Path(project_dir).resolve(), resolved_vars)
            # a reader can open the warehouse between the wait above and dbt's connection
            warehouse_lock.when_unlocked(
                lambda: _build_incrementally(
                    var_args,
                    selectors,
                    fingerprint,
                    warehouse,
                    lambda commands: _run_dbt_commands(commands, warehouse, Path(project_dir)),
                ),
                warehouse,
                timeout,
            )
            publish_marts(
                warehouse,
                Path(marts_path),
                project_dir=project_dir,
                item_marts=item_marts,
            )
    except (warehouse_lock.WarehouseBusy, WarehouseDamaged) as exc:
        raise BuildError(str(exc)) from None


def _build_incrementally(
    var_args: list[str],
    selectors: list[str],
    fingerprint: str,
    warehouse: Path,
    run: Callable[[list[list[str]]], None],
    target: str = DEFAULT_TARGET,
) -> None:
    """`dbt seed` + `dbt build` (through `run`), with --full-refresh unless the target's last
    complete build had the same fingerprint (ingestion/build_fingerprint.py) and no raw table
    holds rows of an unfinished load. The fingerprint is stored again only after a successful
    build of every model (a selection may skip incremental ones) over finished loads that no
    load changed while it ran (on a server, an ingest may run beside the build)."""
    before = raw_loads(warehouse, target)
    full_refresh = take_fingerprint(warehouse, target) != fingerprint or bool(before.unfinished)
    if before.unfinished:
        log.info(
            "dbt build --full-refresh: %s hold rows of an unfinished load (the next ingest "
            "finishes it; builds stay full until then)",
            ", ".join(before.unfinished),
        )
    elif full_refresh:
        log.info("dbt build --full-refresh: no earlier build with this code, seeds and vars")
    run(
        [
            ["seed", "--full-refresh", *var_args],
            [
                "build",
                *var_args,
                *(["--full-refresh"] if full_refresh else []),
                *_select(selectors),
            ],
        ]
    )
    if selectors or before.unfinished:
        return
    if raw_loads(warehouse, target) != before:
        log.info("a load ran during the build: the next build is a full one")
        return
    store_fingerprint(warehouse, fingerprint, target)


def _run_dbt_commands(commands: list[list[str]], warehouse: Path, project: Path) -> None:
    """Run the dbt commands in order, then release dbt's hold on the warehouse; explain a
    failed seed test once the warehouse can be read."""
    failure: DbtFailed | None = None
    try:
        for args in commands:
            run_dbt(args, warehouse, project)
    except DbtFailed as exc:
        failure = exc
    finally:
        release_dbt_duckdb()
    if failure is not None:
        if warehouse_lock.is_duckdb_lock_error(failure):
            raise failure
        raise BuildError(failure.explained(warehouse, project)) from None


def _build_on_engine(
    target: str,
    select: Sequence[str] | str | None,
    project_dir: Path | str,
    dbt_vars: Mapping[str, object],
) -> None:
    """`dbt seed` + `dbt build` on a postgres or spark target (profiles.yml, env settings);
    incremental on postgres, whose server keeps the build fingerprint."""
    selectors = [select] if isinstance(select, str) else list(select or [])
    common = ["--target", target, "--vars", json.dumps(dict(dbt_vars))]

    def run(commands: list[list[str]]) -> None:
        for args in commands:
            run_dbt(args, DEFAULT_WAREHOUSE, project_dir)

    if target != "postgres":
        run([["seed", "--full-refresh", *common], ["build", *common, *_select(selectors)]])
        return
    fingerprint = project_fingerprint(Path(project_dir).resolve(), dbt_vars)
    _build_incrementally(common, selectors, fingerprint, DEFAULT_WAREHOUSE, run, target)


def _select(selectors: list[str]) -> list[str]:
    return ["--select", *selectors] if selectors else []


def run_dbt(args: list[str], warehouse: Path, project_dir: Path | str = REPO_ROOT) -> None:
    """Run one dbt command in-process; raise BuildError naming every failed node."""
    from dbt.cli.main import dbtRunner  # deferred: importing dbt is slow and sets up logging

    project = Path(project_dir).resolve()
    os.environ["DBT_PROFILES_DIR"] = str(project)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["KPIBRIDGE_DUCKDB"] = str(warehouse)
    # --quiet: dbt prints errors only; the summary below says what ran
    result = dbtRunner().invoke([*args, "--quiet", "--project-dir", str(project)])
    failed = _failed_results(result.result)
    if failed or not result.success:
        detail = (
            ", ".join(f"{item.node.unique_id} ({item.status})" for item in failed)
            if failed
            else repr(result.exception)
        )
        raise DbtFailed(f"`dbt {' '.join(args)}` failed: {detail}", failed)
    log.info("dbt %s: %s", args[0], _status_counts(result.result))


def _status_counts(run_result: object) -> str:
    """The build summary: counts per status, and each warned test named with what it found."""
    results = list(getattr(run_result, "results", None) or [])
    statuses = Counter(str(getattr(item, "status", "")).lower() for item in results)
    summary = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    for item in results:
        if str(getattr(item, "status", "")).lower() == "warn":
            log.warning("dbt warning: %s", _describe_warned_test(item))
    return summary


def _describe_warned_test(item: object) -> str:
    """'test <name> on <model> found <n>: a, b' - a, b: the failing rows' first column (KPI ids)."""
    node = item.node  # type: ignore[attr-defined]
    metadata = getattr(node, "test_metadata", None)
    test_name = metadata.name if metadata else node.name
    attached = getattr(node, "attached_node", None) or ",".join(node.depends_on.nodes)
    model = attached.split(".")[-1]
    column = f" column {node.column_name}" if getattr(node, "column_name", None) else ""
    found = _failing_values(node.compiled_code, limit=_WARNED_ROWS_SHOWN)
    shown = ", ".join(found[:_WARNED_ROWS_SHOWN])
    more = getattr(item, "failures", 0) - len(found[:_WARNED_ROWS_SHOWN])
    return (
        f"test {test_name} on {model}{column} found {getattr(item, 'failures', '?')}"
        + (f": {shown}" if shown else "")
        + (f" and {more} more" if more > 0 else "")
    )


def _failing_values(compiled_sql: str | None, limit: int) -> list[str]:
    """First column of a test's failing rows, read through dbt-duckdb's still-open database."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV  # the handle run_dbt's invocation left open
    if environment is None or not compiled_sql:
        return []
    handle = environment.handle()
    try:
        rows = (
            handle.cursor()
            .execute(f"select * from ({compiled_sql}) as failing limit {limit + 1}")
            .fetchall()
        )
    finally:
        handle.close()
    return [str(row[0]) for row in rows]


def release_dbt_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open for the life of the process.

    Without this, attaching the warehouse file to publish it fails with a file handle conflict.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV  # no public accessor; closed as dbt-duckdb does
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _failed_results(run_result: object) -> list[Any]:
    results: Iterable[Any] = getattr(run_result, "results", None) or []
    return [
        item for item in results if str(getattr(item, "status", "")).lower() in _FAILED_STATUSES
    ]


def publishes_item_marts(dbt_vars: Mapping[str, object], project_dir: Path) -> bool:
    """Var publish_item_marts: from the build's vars, else dbt_project.yml (default true)."""
    if ITEM_MARTS_VAR in dbt_vars:
        value = dbt_vars[ITEM_MARTS_VAR]
    else:
        value = project_vars(project_dir).get(ITEM_MARTS_VAR, True)
    if not isinstance(value, bool):
        raise BuildError(
            f"var {ITEM_MARTS_VAR} must be true or false, got {value!r}: e.g. "
            f"`kpibridge build --vars '{{\"{ITEM_MARTS_VAR}\": false}}'`"
        )
    return value


def publish_marts(
    warehouse: Path,
    marts_path: Path,
    project_dir: Path | str = REPO_ROOT,
    item_marts: bool = True,
) -> list[str]:
    """Copy the published marts and seeds (tagged `published` in dbt) into a new file, then
    swap it in; the per-item marts only when item_marts. Returns the published table names."""
    published = [
        mart for mart in _published(warehouse, project_dir) if item_marts or not mart.per_item
    ]
    marts_path = marts_path.resolve()
    marts_path.parent.mkdir(parents=True, exist_ok=True)
    staging = marts_path.with_name(f".{marts_path.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(staging)) as con:
            con.execute(f"attach '{_sql_str(warehouse)}' as warehouse (read_only)")
            tables = _copy_published(con, published)
            con.execute("detach warehouse")
            con.execute("checkpoint")
        if not any(t in tables for t in ("kpi_values", "kpi_scorecard")):
            raise BuildError(
                f"{warehouse} has no '{MARTS_SCHEMA}' KPI marts to publish: run the dbt build first"
            )
        os.replace(staging, marts_path)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return tables


def _published(warehouse: Path, project_dir: Path | str) -> list[PublishedMart]:
    """The published list from the dbt manifest; parsed first when a fresh clone has none."""
    try:
        return published_marts(project_dir)
    except ManifestError:
        run_dbt(["parse"], warehouse, project_dir)
        return published_marts(project_dir)


def _copy_published(
    con: duckdb.DuckDBPyConnection, published: Sequence[PublishedMart]
) -> list[str]:
    """Copy each published relation the warehouse has; returns their names, sorted."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'warehouse'"
    ).fetchall()
    present = set(rows)
    names = []
    for mart in published:
        if (mart.schema, mart.name) in present:
            con.execute(
                f'create table main."{mart.name}" as '
                f'select * from warehouse."{mart.schema}"."{mart.name}"'
            )
            names.append(mart.name)
    return sorted(names)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")
