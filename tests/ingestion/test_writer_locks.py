"""Writers wait for readers and for each other, and an overlap never loses an extraction."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb
import pytest
from dlt.pipeline.pipeline import Pipeline

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.expected import pagerduty_rows
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from ingestion.warehouse_lock import WarehouseBusy, run_lock_path, writer_run

REPO_ROOT = Path(__file__).resolve().parents[2]
HOLD_SECONDS = 4


@contextmanager
def other_process(code: str) -> Iterator[subprocess.Popen[str]]:
    """Run `code` in another Python process until it prints 'ready'; stop it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def reader_code(warehouse: Path, seconds: float) -> str:
    return (
        "import duckdb, time\n"
        f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
        "print('ready', flush=True)\n"
        f"time.sleep({seconds})\n"
    )


def counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in pagerduty_rows(build_org())
        }


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "kpibridge.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_ingest_waits_for_a_reader_then_loads(
    warehouse: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kpibridge.lock")
    with Simulator(build_org()) as sim, other_process(reader_code(warehouse, HOLD_SECONDS)):
        started = time.monotonic()
        [result] = run_ingest(
            ["pagerduty"], duckdb_path=warehouse, settings=simulator_settings(sim.urls)
        )
        waited = time.monotonic() - started
    assert result.error is None
    assert waited >= HOLD_SECONDS - 1
    assert "is locked by another process; waiting" in caplog.text
    assert counts(warehouse) == pagerduty_rows(sim.org)


def test_a_reader_arriving_after_extraction_delays_the_load_and_loses_nothing(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = Pipeline.extract
    reader = ExitStack()

    def extract_then_a_reader_opens(self: Pipeline, *args: object, **kwargs: object) -> object:
        info = extract(self, *args, **kwargs)
        reader.enter_context(other_process(reader_code(warehouse, 600)))
        monkeypatch.setattr(Pipeline, "extract", extract)  # one reader, for the first run
        return info

    with Simulator(build_org()) as sim:
        settings = simulator_settings(sim.urls)
        run_ingest(["pagerduty"], duckdb_path=warehouse, settings=settings)
        monkeypatch.setattr(Pipeline, "extract", extract_then_a_reader_opens)
        [busy] = run_ingest(
            ["pagerduty"],
            duckdb_path=warehouse,
            settings=settings,
            full_refresh=True,
            lock_timeout=2,
        )
        reader.close()
        resumed, incremental = run_ingest(["pagerduty"], duckdb_path=warehouse, settings=settings)
    assert busy.error is not None
    assert "locked by another process" in busy.error
    assert "The extracted data is kept" in busy.error
    # the next run loads the kept full extraction (every row) before its own incremental one
    assert (resumed.resumed, resumed.error, incremental.error) == (True, None, None)
    expected = pagerduty_rows(sim.org)
    assert {t: resumed.rows[t.split(".")[1]] for t in expected} == expected
    assert counts(warehouse) == expected


def test_a_second_writer_names_the_first_and_gives_up_after_the_timeout(warehouse: Path) -> None:
    holder = (
        "import time\n"
        "from pathlib import Path\n"
        "from ingestion.warehouse_lock import writer_run\n"
        f"with writer_run(Path({str(warehouse)!r}), 'kpibridge build --select marts', 60):\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(60)\n"
    )
    with other_process(holder) as process, pytest.raises(WarehouseBusy) as busy:
        run_ingest(["pagerduty"], duckdb_path=warehouse, lock_timeout=1)
    message = str(busy.value)
    assert f"pid {process.pid}" in message
    assert "`kpibridge build --select marts`" in message
    assert "started 20" in message
    assert "--lock-timeout" in message


def test_a_killed_writer_leaves_no_lock_behind(warehouse: Path) -> None:
    holder = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "from ingestion.warehouse_lock import writer_run\n"
        f"with writer_run(Path({str(warehouse)!r}), 'kpibridge ingest', 60):\n"
        "    print('ready', flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with other_process(holder) as process:
        process.wait()
    assert run_lock_path(warehouse).exists()
    with writer_run(warehouse, "kpibridge ingest", timeout=0):
        pass
