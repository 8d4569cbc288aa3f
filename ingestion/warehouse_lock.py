"""One kpibridge writer per warehouse, and writers that wait for readers instead of failing.

Two locks guard the warehouse file:
- the run lock, `<warehouse>.run-lock` beside it: held (flock) by the one `kpibridge ingest`
  or `build` writing the warehouse; it records pid, command and start time so a second run can
  say whom it waits for. The OS releases it when its process dies, so a killed run never
  leaves a lock behind.
- DuckDB's own file lock, also held by readers (an analyst's DuckDB CLI, a BI tool): a writer
  retries until it is free.
Both waits end after `timeout` seconds (`--lock-timeout`, `KPIBRIDGE_LOCK_TIMEOUT`) with a
message naming the holder and the fix.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb

DEFAULT_TIMEOUT_SECONDS = 600.0
TIMEOUT_ENV = "KPIBRIDGE_LOCK_TIMEOUT"
POLL_SECONDS = 1.0
DUCKDB_LOCK_MESSAGE = "Could not set lock on file"
log = logging.getLogger("kpibridge.lock")
T = TypeVar("T")


class WarehouseBusy(RuntimeError):
    """The warehouse stayed locked by another process for longer than the lock timeout."""


def lock_timeout(value: float | None = None) -> float:
    """The explicit value, else $KPIBRIDGE_LOCK_TIMEOUT, else the default (seconds)."""
    if value is not None:
        return value
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None


def run_lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.name}.run-lock")


@contextmanager
def writer_run(warehouse: Path, command: str, timeout: float) -> Iterator[None]:
    """Hold the warehouse's run lock for the block, waiting up to `timeout` for another run."""
    path = run_lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        deadline = time.monotonic() + timeout
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{warehouse} is being written by another kpibridge run ({holder}); "
                        f"waited {timeout:.0f} s. Let it finish, or raise --lock-timeout / "
                        f"{TIMEOUT_ENV}."
                    ) from None
                if not announced:
                    log.warning("waiting for %s to finish writing %s", holder, warehouse)
                    announced = True
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "command": command,
                    "started": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
        )
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        info = {}
    if not info:
        return "a run that is starting"
    return f"`{info.get('command')}`, pid {info.get('pid')}, started {info.get('started')}"


def current_command() -> str:
    return " ".join(["kpibridge", *sys.argv[1:]]) if sys.argv else "kpibridge"


def is_duckdb_lock_error(exc: BaseException) -> bool:
    """True when exc, or anything it was raised from, is DuckDB's file lock conflict."""
    seen: BaseException | None = exc
    while seen is not None:
        if DUCKDB_LOCK_MESSAGE in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def when_unlocked(action: Callable[[], T], warehouse: Path, timeout: float) -> T:
    """Run `action` (which opens the warehouse), retrying while another process locks it."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            return action()
        except Exception as exc:
            if not is_duckdb_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{warehouse} is locked by another process (a DuckDB CLI, a BI tool or a "
                    f"notebook with the warehouse open?) and stayed locked for {timeout:.0f} s: "
                    "close it, or raise --lock-timeout / "
                    f"{TIMEOUT_ENV}. Readers should open the published marts file instead."
                ) from None
            if not announced:
                log.warning("%s is locked by another process; waiting (%s)", warehouse, exc)
                announced = True
            time.sleep(POLL_SECONDS)


def wait_until_writable(warehouse: Path, timeout: float) -> None:
    """Return once this process can open the warehouse for writing."""
    if not warehouse.exists():
        return

    def open_and_close() -> None:
        duckdb.connect(str(warehouse)).close()

    when_unlocked(open_and_close, warehouse, timeout)
