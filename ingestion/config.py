"""Settings and secrets in one place: found from the project wherever a command runs, checked
before any request, with errors that name the file, the key and an example of a right value."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SETTINGS_DIR = PROJECT_ROOT / ".dlt"
# dlt looks for .dlt/ in the working directory unless told where the project is
os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_ROOT))

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
