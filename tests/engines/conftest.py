"""Engine fixtures: a PostgreSQL server from KPIBRIDGE_PG_* (`.ci/run` starts one), skipped
with the reason when none is configured outside CI, a failure in CI (CI=true)."""

from __future__ import annotations

import os

import pytest

from ingestion.engines import postgres_credentials


def require_engine(reason: str) -> None:
    """Skip outside CI; in CI a missing engine is a failure, never a silent skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: `.ci/run` must provide it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres() -> dict[str, object]:
    """Connection settings of a reachable PostgreSQL server (psycopg2 keywords)."""
    if "KPIBRIDGE_PG_HOST" not in os.environ:
        require_engine(
            "no PostgreSQL server configured: set KPIBRIDGE_PG_HOST, _PORT, _USER, _PASSWORD, "
            '_DATABASE (eval "$(.ci/postgres-server start)" starts a throwaway one)'
        )
    try:
        import psycopg2
    except ImportError:
        require_engine("psycopg2 missing: uv sync --extra postgres")
    settings = postgres_credentials()
    keywords = {
        "host": settings["host"],
        "port": settings["port"],
        "user": settings["username"],
        "password": settings["password"],
        "dbname": settings["database"],
    }
    try:
        psycopg2.connect(**keywords, connect_timeout=5).close()
    except psycopg2.OperationalError as exc:
        require_engine(f"PostgreSQL at {keywords['host']}:{keywords['port']} unreachable: {exc}")
    return keywords
