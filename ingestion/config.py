"""Settings and secrets in one place: found from the project wherever a command runs, checked
before any request, with errors that name the file, the key and an example of a right value."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# dlt looks for .dlt/ in the working directory unless told where the project is
os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_ROOT))
SETTINGS_DIR = Path(os.environ["DLT_PROJECT_DIR"]) / ".dlt"

# the source arguments a user sets, secrets marked (they are read but never printed)
SOURCE_KEYS: dict[str, dict[str, bool]] = {
    "github": {"base_url": False, "owner": False, "access_token": True},
    "jira": {"base_url": False, "email": False, "api_token": True},
    "pagerduty": {"base_url": False, "api_token": True},
}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says where and how to fix it."""


def check_settings_files(settings_dir: Path = SETTINGS_DIR) -> None:
    """Parse .dlt/config.toml and .dlt/secrets.toml, so a typo fails here, naming the line,
    rather than deep inside dlt with a traceback."""
    for name in ("config.toml", "secrets.toml"):
        path = settings_dir / name
        if not path.exists():
            continue
        try:
            tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{path}: not valid TOML ({exc}). Strings need quotes and lists brackets, "
                'e.g. start_date = "2026-01-01" or repos = ["payments-api"]'
            ) from None


def project_vars(project_dir: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The dbt vars of dbt_project.yml: rule choices that ingestion reads too (one setting)."""
    with (project_dir / "dbt_project.yml").open() as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})


def source_settings(source: str) -> dict[str, Any]:
    """The arguments of one source as dlt resolves them (environment, then .dlt/ files);
    only the keys that are set."""
    import dlt

    settings: dict[str, Any] = {}
    for key, secret in SOURCE_KEYS[source].items():
        accessor = dlt.secrets if secret else dlt.config
        value = accessor.get(f"sources.{source}.{key}")
        if value is not None:
            settings[key] = value
    return settings


PRODUCTION_KEY = "kpibridge.production_environments"
PRODUCTION_EXAMPLE = 'production_environments = ["production", "prod"]'


def production_environments(project_dir: Path = PROJECT_ROOT) -> list[str]:
    """The deployment environments that count as production: one setting read by ingestion
    (which deployments get their shipped commits fetched) and dbt (var
    production_environments). `[kpibridge] production_environments` in .dlt/config.toml
    overrides the dbt_project.yml default. Names compare case-insensitively on both sides."""
    configured = _configured_production()
    if configured is not None:
        return configured
    default = project_vars(project_dir).get("production_environments")
    return _checked(default, f"{project_dir / 'dbt_project.yml'} vars production_environments")


def production_vars(
    dbt_vars: Mapping[str, object] | None, project_dir: Path = PROJECT_ROOT
) -> dict[str, object]:
    """The dbt var production_environments as ingestion read it (none when .dlt/ does not set
    it: dbt then reads the same default). `--vars` may repeat it but not change it: the
    deployments ingestion fetched shipped commits for would differ."""
    given = (dbt_vars or {}).get("production_environments")
    if given is None and _configured_production() is None:
        return {}
    used = production_environments(project_dir)
    same = isinstance(given, list) and {str(env).lower() for env in given} == {
        env.lower() for env in used
    }
    if given is not None and not same:
        raise ConfigError(
            f"--vars production_environments = {given!r} differs from {used!r}, which "
            "`kpibridge ingest` used: set it once, as [kpibridge] production_environments in "
            f"{SETTINGS_DIR / 'config.toml'}, e.g. {PRODUCTION_EXAMPLE}"
        )
    return {"production_environments": used}


def _configured_production() -> list[str] | None:
    """`[kpibridge] production_environments` from .dlt/ (or its environment variable)."""
    import dlt
    from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException

    if dlt.config.get("sources.github.production_environments") is not None:
        raise ConfigError(
            f"{SETTINGS_DIR / 'config.toml'}: [sources.github] production_environments is not "
            "read (dbt needs the same list): move it to the [kpibridge] section, e.g. "
            f"[kpibridge] {PRODUCTION_EXAMPLE}"
        )
    try:
        configured = dlt.config.get(PRODUCTION_KEY, list)
    except ConfigValueCannotBeCoercedException:  # named by _checked with an example
        configured = dlt.config.get(PRODUCTION_KEY)
    if configured is None:
        return None
    return _checked(
        configured, f"{SETTINGS_DIR / 'config.toml'} [kpibridge] production_environments"
    )


def _checked(value: object, where: str) -> list[str]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(env, str) and env.strip() for env in value)
    ):
        raise ConfigError(
            f"{where} = {value!r}: expected a list of deployment environment names, "
            f"e.g. [kpibridge] {PRODUCTION_EXAMPLE}"
        )
    return value
