"""The `kpibridge` command: help, exit codes and messages for bad input, and the files it writes."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from ingestion.cli import main
from ingestion.simulator.expected import pagerduty_rows
from ingestion.simulator.model import Org
from ingestion.simulator.server import Simulator

COMMANDS = (
    "simulate",
    "ingest",
    "build",
    "export",
    "serve",
    "demo",
    "report",
    "doctor",
    "benchmark",
)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kpibridge")
    listed = re.findall(r"^    (\w+)\s", out, re.MULTILINE)
    assert listed == list(COMMANDS)


@pytest.mark.parametrize(
    "command, option",
    [
        ("simulate", "--jira-port"),
        ("ingest", "--full-refresh"),
        ("build", "--select"),
        ("serve", "--port"),
        ("demo", "--no-serve"),
        ("benchmark", "--skip-build"),
    ],
)
def test_each_command_has_help(
    command: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: kpibridge {command}")
    assert option in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


def test_unknown_source_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--source", "gitlab"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --source: invalid choice: 'gitlab'" in err
    assert "'jira', 'github', 'pagerduty'" in err


def test_not_a_number_scale_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["benchmark", "--scale", "big"])
    assert exit_info.value.code == 2
    assert "argument --scale: 'big' is not a whole number, e.g. 1 or 10" in capsys.readouterr().err


def test_build_without_a_warehouse_says_to_ingest_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.duckdb"
    marts = tmp_path / "marts.duckdb"
    assert main(["build", "--duckdb", str(missing), "--marts", str(marts)]) == 1
    err = capsys.readouterr().err
    assert f"build failed: warehouse {missing} does not exist" in err
    assert "run `kpibridge ingest` first" in err
    assert not missing.exists() and not marts.exists()


def test_serve_without_marts_says_to_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "marts.duckdb"
    assert main(["serve", "--marts", str(missing), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert f"no published marts at {missing}" in err
    assert "run `kpibridge build` (or `kpibridge demo`)" in err


def test_ingest_from_the_simulator_writes_the_warehouse_and_reports_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], org: Org
) -> None:
    warehouse = tmp_path / "wh" / "kpibridge.duckdb"
    code = main(["ingest", "--simulator", "--source", "pagerduty", "--duckdb", str(warehouse)])
    assert code == 0
    expected = pagerduty_rows(org)  # the org --simulator serves (default seed)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        landed = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
            for table in expected
        }
    assert landed == expected
    assert (warehouse.parent / "pipelines").is_dir()  # dlt state beside the warehouse
    report = capsys.readouterr().out.splitlines()[-1]  # after dlt's progress lines
    assert re.match(r"pagerduty  \d+ rows in \d+\.\ds \(", report), report
    assert f"incident_log_entries {expected['raw_pagerduty.incident_log_entries']}," in report
    assert f" incidents {expected['raw_pagerduty.incidents']}," in report


def test_rejected_token_fails_that_source_naming_the_key_not_the_secret(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    simulator: Simulator,
) -> None:
    secret = "not-the-simulator-token-123"
    monkeypatch.setenv("SOURCES__PAGERDUTY__BASE_URL", simulator.urls["pagerduty"])
    monkeypatch.setenv("SOURCES__PAGERDUTY__API_TOKEN", secret)
    warehouse = tmp_path / "kpibridge.duckdb"
    assert main(["ingest", "--source", "pagerduty", "--duckdb", str(warehouse)]) == 1
    out = capsys.readouterr().out
    assert "pagerduty  FAILED after " in out
    assert "pagerduty: the API rejected the credentials (401 on " in out
    assert "SOURCES__PAGERDUTY__API_TOKEN" in out
    assert secret not in out
