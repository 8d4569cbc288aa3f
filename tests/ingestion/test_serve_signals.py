"""`kpibridge serve` stops its Streamlit process when it is stopped itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition, seconds: float) -> bool:  # noqa: ANN001 - a zero-argument predicate
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_sigterm_to_serve_stops_streamlit(tmp_path: Path) -> None:
    marts = tmp_path / "marts.duckdb"
    marts.write_bytes(b"")
    port = _free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ingestion.cli",
            "serve",
            "--marts",
            str(marts),
            "--port",
            str(port),
            "--no-browser",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "STREAMLIT_SERVER_ADDRESS": "127.0.0.1"},
    )
    try:
        assert _wait(lambda: _listening(port), 60), "streamlit never listened"
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        assert _wait(lambda: not _listening(port), 30), "streamlit still listening after SIGTERM"
    finally:
        serve.kill()
