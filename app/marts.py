"""One read-only snapshot of the published marts file per page render (or report).

`kpibridge build` replaces the marts file with os.replace. A connection keeps reading the file it
opened, so every query of one render goes through one connection: a page never mixes two builds.
The file's identity (inode, size, mtime) is read before and after opening; if they differ a build
landed in between and the open is retried. Results are cached by that identity, so a new build is
picked up on the next render without restarting anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_COMMAND = "uv run kpibridge demo"
BUILD_COMMAND = "uv run kpibridge build"

FileIdentity = tuple[int, int, int]
QueryCache = Callable[[str, FileIdentity, str, tuple[Any, ...], "Marts"], pd.DataFrame]


class MartsUnavailable(Exception):
    """The marts file is missing, damaged, incomplete or from another version."""


def marts_path() -> Path:
    """The published marts file: $KPIBRIDGE_MARTS, else <repo>/data/marts.duckdb."""
    return Path(os.environ.get("KPIBRIDGE_MARTS", REPO_ROOT / "data" / "marts.duckdb"))


def file_identity(path: Path) -> FileIdentity:
    stat = path.stat()
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class Marts:
    """A lazily opened read-only connection to one build of the marts file."""

    def __init__(self, path: Path | None = None, cache: QueryCache | None = None) -> None:
        self.path = path or marts_path()
        if not self.path.is_file():
            raise MartsUnavailable(f"No published marts database at `{self.path}`.")
        self.identity = file_identity(self.path)
        self._cache = cache
        self._con: duckdb.DuckDBPyConnection | None = None
        self.connections_opened = 0

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            try:
                con = duckdb.connect(str(self.path), read_only=True)
            except (duckdb.Error, OSError) as exc:
                raise MartsUnavailable(
                    f"The marts database at `{self.path}` cannot be opened "
                    f"({type(exc).__name__}): it is damaged or was not fully written."
                ) from exc
            if file_identity(self.path) != self.identity:
                con.close()
                raise MartsUnavailable(f"The marts database at `{self.path}` was just rebuilt.")
            self._con = con
            self.connections_opened += 1
        return self._con

    def run(self, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
        """Run on this snapshot's connection, uncached."""
        try:
            return self._connection().execute(sql, list(params)).df()
        except duckdb.Error as exc:
            raise MartsUnavailable(
                f"The marts database at `{self.path}` cannot be read "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]})."
            ) from exc

    def df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A parameterised query (`?` placeholders), through the cache when there is one."""
        key = tuple(params)
        if self._cache is None:
            return self.run(sql, key)
        return self._cache(str(self.path), self.identity, sql, key, self).copy()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Marts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
