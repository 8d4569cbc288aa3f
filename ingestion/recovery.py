"""Finish a load package that a killed run left behind, exactly once.

dlt resumes an interrupted package on the next run, but a load job whose rows were committed
just before the kill (and not yet marked complete) runs again. In dlt 1.31 the staging dataset
is truncated only when a package starts loading, so the retried copy lands a second time: the
merge then inserts both copies into a root table that has child tables (it deduplicates child
rows by row key, root rows only by primary key among *distinct* row keys). A `replace` table,
loaded directly, doubles the same way; on PostgreSQL, whose `_dlt_id` columns are unique, the
retry fails instead, at every resume. Each row of a package has its own `_dlt_id`, so before
the package is resumed the rows of every job that was started are deleted by `_dlt_id` (read
from its parquet or csv file; the package's pipeline-state row, written as SQL, by its load id):
the retry then lands them exactly once.
"""

from __future__ import annotations

import csv
import gzip
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
from dlt import Pipeline

log = logging.getLogger("kpibridge.ingest")
ROW_KEY = "_dlt_id"
LOAD_ID = "_dlt_load_id"
# dlt adds one row of pipeline state to a package, in a job of its own (SQL insert values)
STATE_TABLE = "_dlt_pipeline_state"
PENDING_TRANSITIONS = ".pending_transitions"  # dlt's PackageStorage.PENDING_TRANSITIONS_FOLDER
# row keys per delete statement: a job file holds up to dlt's file rotation size
_DELETED_PER_STATEMENT = 1000


def resume_interrupted(
    pipeline: Pipeline, unlocked: Callable[[Callable[[], None]], None]
) -> dict[str, int] | None:
    """Finish what an interrupted run left pending; `unlocked` runs a step that opens the
    warehouse (waiting for its lock).

    Returns the finished packages' rows per table, or None when nothing was pending.
    """
    if not pipeline.has_pending_data:
        return None
    if pipeline.list_extracted_load_packages():
        pipeline.normalize()
    log.warning(
        "%s: finishing the load an interrupted run left pending (%s)",
        pipeline.pipeline_name,
        ", ".join(pipeline.list_normalized_load_packages()),
    )
    rows = pending_rows(pipeline)

    def repair_and_load() -> None:
        delete_rows_of_started_jobs(pipeline)
        pipeline.load()

    unlocked(repair_and_load)
    return rows


def pending_rows(pipeline: Pipeline) -> dict[str, int]:
    """Data rows per table in the normalized packages waiting to load."""
    rows: Counter[str] = Counter()
    for load_id in pipeline.list_normalized_load_packages():
        rows.update(package_rows(pipeline, load_id))
    return dict(rows)


def package_rows(pipeline: Pipeline, load_id: str) -> dict[str, int]:
    """Data rows per table in a normalized package, read from its job files."""
    rows: Counter[str] = Counter()
    for jobs in pipeline.get_load_package_info(load_id).jobs.values():
        for job in jobs:
            table = job.job_file_info.table_name
            if not table.startswith("_dlt"):
                rows[table] += job_file_rows(Path(job.file_path))
    return dict(rows)


def job_file_rows(job_file: Path) -> int:
    """Data rows of a load job file: parquet (duckdb, spark targets) or gzipped csv with a
    header (postgres, loaded with COPY); 0 for other files (sql, reference jobs)."""
    if job_file.name.endswith(".parquet"):
        return pq.read_metadata(job_file).num_rows
    if job_file.name.endswith((".csv", ".csv.gz")):
        opener = gzip.open if job_file.name.endswith(".gz") else open
        with opener(job_file, "rt", encoding="utf-8", newline="") as handle:
            # csv.reader, not a line count: quoted values (descriptions) hold newlines
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)
    return 0


def delete_rows_of_started_jobs(pipeline: Pipeline) -> None:
    """Delete what earlier attempts of the pending packages' started jobs committed.

    dlt runs a started job again on resume; removing its rows first (by the `_dlt_id`s of its
    file) makes that retry land them exactly once, whether or not the killed attempt committed
    (on PostgreSQL, where `_dlt_id` is unique, the retry would otherwise fail on every resume).
    A job that recorded a pending transition after its commit is not run again (dlt marks it
    done), so its rows are kept.
    """

    retried = [
        (load_id, job)
        for load_id in pipeline.list_normalized_load_packages()
        for job in pipeline.get_load_package_info(load_id).jobs.get("started_jobs", [])
        if (job_file_rows(Path(job.file_path)) or job.job_file_info.table_name == STATE_TABLE)
        and not _marked_committed(Path(job.file_path))
    ]
    if not retried:
        return
    with pipeline.sql_client() as client:
        with_row_key = {
            tuple(row)
            for row in client.execute_sql(
                "select table_schema, table_name from information_schema.columns "
                f"where column_name = '{ROW_KEY}'"
            )
            or []
        }
        quote = client.capabilities.escape_identifier
        for load_id, job in retried:
            table = job.job_file_info.table_name
            for dataset in (client.dataset_name, client.staging_dataset_name):
                if (dataset, table) in with_row_key:
                    for condition in _rows_of_job(load_id, table, Path(job.file_path)):
                        client.execute_sql(
                            f"delete from {quote(dataset)}.{quote(table)} where {condition}"
                        )


def _rows_of_job(load_id: str, table: str, job_file: Path) -> list[str]:
    """Where clauses that together match the rows a job file loads: its `_dlt_id`s, listed;
    for the pipeline state, written as SQL insert values, the package's one state row."""
    if table == STATE_TABLE:
        return [f"{LOAD_ID} = '{load_id}'"]
    row_keys = job_file_row_keys(job_file)
    chunks = [
        row_keys[start : start + _DELETED_PER_STATEMENT]
        for start in range(0, len(row_keys), _DELETED_PER_STATEMENT)
    ]
    quoted = [", ".join("'" + key.replace("'", "''") + "'" for key in chunk) for chunk in chunks]
    return [f"{ROW_KEY} in ({keys})" for keys in quoted]


def job_file_row_keys(job_file: Path) -> list[str]:
    """The `_dlt_id`s of a load job file's rows (parquet or csv, as job_file_rows reads)."""
    if job_file.name.endswith(".parquet"):
        return pq.read_table(job_file, columns=[ROW_KEY]).column(ROW_KEY).to_pylist()
    opener = gzip.open if job_file.name.endswith(".gz") else open
    with opener(job_file, "rt", encoding="utf-8", newline="") as handle:
        return [row[ROW_KEY] for row in csv.DictReader(handle)]


def _marked_committed(job_file: Path) -> bool:
    """dlt's marker that the job committed and only its move to completed_jobs was missed."""
    package = job_file.parent.parent
    return (package / PENDING_TRANSITIONS / job_file.name).exists()
