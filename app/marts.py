"""One read-only snapshot of the published marts file per page render (or report).

`kpibridge build` replaces the marts file with os.replace. A snapshot keeps reading the file it
opened, so every query of one render goes through one snapshot: a page never mixes two builds.
The file's identity (inode, size, mtime) is read before and after opening; if they differ a build
landed in between and the open is retried. Results are cached by that identity, so a new build is
picked up on the next render without restarting anything.

Opening a DuckDB database costs ~10-50 ms (more under load); attaching a file to an instance
that is already running costs ~2 ms. So the process keeps one in-memory DuckDB instance, attaches
each marts file read-only once per file identity and gives each snapshot its own cursor on it.
A rebuilt file (new identity) is attached anew and the old build detached; an attached file never
blocks a rebuild, which writes a new file and renames it over the old one.
"""

from __future__ import annotations

import itertools
import os
import threading
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


# at most this many marts files attached at once (the app reads one; tests and benchmarks use
# copies): the least recently opened is detached first
MAX_ATTACHED = 4


class _Attachments:
    """The process's in-memory DuckDB instance and the marts files attached to it, by path."""

    def __init__(self) -> None:
        self._instance: duckdb.DuckDBPyConnection | None = None
        self._attached: dict[str, tuple[FileIdentity, str]] = {}  # path -> (identity, alias)
        self._aliases = itertools.count()
        self._lock = threading.Lock()

    def cursor(self, path: Path, identity: FileIdentity) -> duckdb.DuckDBPyConnection:
        """A new connection whose default database is `path` as it was at `identity`."""
        key = str(path)
        with self._lock:
            if self._instance is None:
                # the marts are small: a page's queries take milliseconds, less than handing
                # work to other threads costs (and a render already runs in its own thread)
                self._instance = duckdb.connect(config={"threads": 1})
            known = self._attached.pop(key, None)
            if known is not None and known[0] != identity:
                self._detach(known[1])
                known = None
            alias = known[1] if known else self._attach(key)
            self._attached[key] = (identity, alias)  # most recently opened last
            while len(self._attached) > MAX_ATTACHED:
                self._detach(self._attached.pop(next(iter(self._attached)))[1])
            cursor = self._instance.cursor()
            cursor.execute(f"use {alias}")  # under the lock: no detach in between
        return cursor

    def forget(self, path: Path) -> None:
        """Detach `path` (it turned out not to be the build it was opened as)."""
        with self._lock:
            known = self._attached.pop(str(path), None)
            if known is not None:
                self._detach(known[1])

    def _attach(self, path: str) -> str:
        assert self._instance is not None
        alias = f"marts_{next(self._aliases)}"
        quoted = path.replace("'", "''")
        self._instance.execute(f"attach '{quoted}' as {alias} (read_only)")
        return alias

    def _detach(self, alias: str) -> None:
        assert self._instance is not None
        self._instance.execute(f"detach {alias}")


_ATTACHMENTS = _Attachments()


class Marts:
    """A lazily opened read-only connection to one build of the marts file."""

    def __init__(self, path: Path | None = None, cache: QueryCache | None = None) -> None:
        self.path = path or marts_path()
        if not self.path.is_file():
            raise MartsUnavailable(f"No published marts database at `{self.path}`.")
        self.identity = file_identity(self.path)
        self._cache = cache
        self._con: duckdb.DuckDBPyConnection | None = None

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            try:
                con = _ATTACHMENTS.cursor(self.path, self.identity)
            except (duckdb.Error, OSError) as exc:
                raise MartsUnavailable(
                    f"The marts database at `{self.path}` cannot be opened "
                    f"({type(exc).__name__}): it is damaged or was not fully written."
                ) from exc
            if self._rebuilt():
                con.close()
                _ATTACHMENTS.forget(self.path)
                raise MartsUnavailable(f"The marts database at `{self.path}` was just rebuilt.")
            self._con = con
        return self._con

    def _rebuilt(self) -> bool:
        try:
            return file_identity(self.path) != self.identity
        except OSError:
            return True

    def run(self, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
        """Run on this snapshot's connection, uncached."""
        try:
            return self._connection().execute(sql, list(params)).df()
        except duckdb.Error as exc:
            if self._rebuilt():
                # the build that replaced the file detached this snapshot's copy
                raise MartsUnavailable(
                    f"The marts database at `{self.path}` was just rebuilt."
                ) from exc
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
