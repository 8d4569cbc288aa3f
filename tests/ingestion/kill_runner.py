"""Run one ingest in this process and SIGKILL it at a chosen point: the kill-and-resume tests'
subprocess. The hooks wrap dlt's own steps, so the production code carries no test switch.

    python -m tests.ingestion.kill_runner SPEC.json

SPEC: {"warehouse", "urls", "source", "full_refresh", "kill": "<point>:<n>" or null,
       "target": "duckdb" (default) or "postgres"}
Kill points (n counts from 1 within this process):
    request:n       after the n-th HTTP response (mid-extract)
    normalize:n     when the n-th normalize step starts (extract done, package not normalized)
    job_start:n     when the n-th load job starts, before it touches the warehouse
    job_done:n      when the n-th load job has committed its work, before dlt marks it complete
    state_done:n    the same, counting only the jobs loading dlt's pipeline state
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests.adapters
from dlt.common.destination.client import RunnableLoadJob
from dlt.pipeline.pipeline import Pipeline

from ingestion.pipeline import run_ingest, simulator_settings

_lock = threading.Lock()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _counting(n: int) -> Callable[[], bool]:
    """A call counter that answers True on the n-th call, thread-safely."""
    calls = 0

    def nth() -> bool:
        nonlocal calls
        with _lock:
            calls += 1
            return calls == n

    return nth


def install(point: str, n: int) -> None:
    nth = _counting(n)
    if point == "request":
        send = requests.adapters.HTTPAdapter.send

        def counted_send(self: Any, *args: Any, **kwargs: Any) -> Any:
            response = send(self, *args, **kwargs)
            if nth():
                _die()
            return response

        requests.adapters.HTTPAdapter.send = counted_send  # type: ignore[method-assign]
    elif point == "normalize":
        normalize = Pipeline.normalize

        def counted_normalize(self: Pipeline, *args: Any, **kwargs: Any) -> Any:
            if nth():
                _die()
            return normalize(self, *args, **kwargs)

        Pipeline.normalize = counted_normalize  # type: ignore[method-assign]
    elif point in ("job_start", "job_done", "state_done"):
        run_managed = RunnableLoadJob.run_managed

        def counted_run_managed(self: RunnableLoadJob, *args: Any) -> None:
            if point == "job_start" and nth():
                _die()
            run = self.run

            def run_then_maybe_die() -> None:
                run()
                counted = point == "job_done" or (
                    point == "state_done"
                    and self.job_file_info().table_name == "_dlt_pipeline_state"
                )
                if counted and nth():
                    _die()

            self.run = run_then_maybe_die  # type: ignore[method-assign]
            run_managed(self, *args)

        RunnableLoadJob.run_managed = counted_run_managed  # type: ignore[method-assign]
    else:
        raise ValueError(f"unknown kill point {point!r}")


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    if spec.get("kill"):
        point, n = spec["kill"].rsplit(":", 1)
        install(point, int(n))
    results = run_ingest(
        [spec["source"]],
        duckdb_path=spec["warehouse"],
        full_refresh=spec.get("full_refresh", False),
        settings=simulator_settings(spec["urls"]),
        target=spec.get("target", "duckdb"),
    )
    print(json.dumps([result.__dict__ for result in results]))
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
