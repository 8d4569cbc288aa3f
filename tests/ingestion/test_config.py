"""Settings are found from the project wherever a command runs, and a malformed file is named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.config import (
    PROJECT_ROOT,
    ConfigError,
    check_settings_files,
    production_environments,
    production_vars,
)


def test_settings_are_read_from_the_project_whatever_the_working_directory(
    tmp_path: Path,
) -> None:
    env = {"PATH": "/usr/bin:/bin"}
    code = "import ingestion.config, os; print(os.environ['DLT_PROJECT_DIR'])"
    printed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == str(PROJECT_ROOT)


def test_malformed_toml_names_the_file_the_line_and_an_example(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[sources.jira]\nbase_url = "https://x"\nstart_date = 2026-01-01T\n'
    )
    with pytest.raises(ConfigError) as error:
        check_settings_files(tmp_path)
    message = str(error.value)
    assert str(tmp_path / "config.toml") in message
    assert "line 3" in message
    assert 'start_date = "2026-01-01"' in message


def test_well_formed_files_pass(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[sources.jira]\nstart_date = "2026-01-01"\n')
    (tmp_path / "secrets.toml").write_text('[sources.jira]\napi_token = "x"\n')
    check_settings_files(tmp_path)


def test_a_scale_below_one_is_refused_with_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    from ingestion.cli import main

    with pytest.raises(SystemExit) as exit_code:
        main(["benchmark", "--scale", "0"])
    assert exit_code.value.code == 2
    assert "--scale: 0 is below 1: the smallest org is --scale 1" in capsys.readouterr().err


def test_production_environments_default_to_the_dbt_var() -> None:
    assert production_environments() == ["production", "prod"]  # dbt_project.yml
    assert production_vars({}) == {}  # dbt reads the same default itself
    with pytest.raises(ConfigError, match=r"differs from \['production', 'prod'\]"):
        production_vars({"production_environments": ["live"]})


def test_production_environments_are_set_once_for_ingest_and_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # what [kpibridge] production_environments in .dlt/config.toml sets, as dlt reads it
    monkeypatch.setenv("KPIBRIDGE__PRODUCTION_ENVIRONMENTS", '["Prod-EU", "PRODUCTION"]')
    assert production_environments() == ["Prod-EU", "PRODUCTION"]
    # build passes the same list to dbt; --vars may repeat it in any case, not change it
    assert production_vars({"production_environments": ["prod-eu", "production"]}) == {
        "production_environments": ["Prod-EU", "PRODUCTION"]
    }
    with pytest.raises(ConfigError, match=r"--vars production_environments = \['prod'\] differs"):
        production_vars({"production_environments": ["prod"]})


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("KPIBRIDGE__PRODUCTION_ENVIRONMENTS", '"production"', "expected a list"),
        ("KPIBRIDGE__PRODUCTION_ENVIRONMENTS", "[]", "expected a list"),
        ("SOURCES__GITHUB__PRODUCTION_ENVIRONMENTS", '["prd"]', "move it to the [kpibridge]"),
    ],
)
def test_a_wrong_production_setting_names_the_key_and_an_example(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        production_environments()
    assert message in str(error.value)
    assert 'production_environments = ["production", "prod"]' in str(error.value)
