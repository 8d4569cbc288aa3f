"""The README's "Running against your real accounts" walkthrough, followed literally: its TOML
blocks become .dlt/config.toml and .dlt/secrets.toml (only the base URLs, the Jira email, the
GitHub owner and the tokens point at the simulator, which serves only the vendors' documented
fields), then `kpibridge doctor`, `ingest` and `build` with the README's `--vars` run as a user
runs them, from another directory, and publish marts in which every KPI the data cannot
compute is named."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.simulator.common import Credentials
from ingestion.simulator.model import Org
from ingestion.simulator.org import GITHUB_OWNER, build_org
from ingestion.simulator.server import Simulator
from tests.conftest import REPO_ROOT

KPIBRIDGE = Path(sys.executable).with_name("kpibridge")
SECTION = "## Running against your real accounts"


def walkthrough() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return readme[start:end]


def readme_settings(section: str) -> dict[str, str]:
    """The section's TOML blocks as the files their `# .dlt/<file>` comments name."""
    files = {"config.toml": "", "secrets.toml": ""}
    for block in re.findall(r"```toml\n(.*?)```", section, re.S):
        current = None
        for line in block.splitlines(keepends=True):
            if named := re.fullmatch(r"# \.dlt/(config|secrets)\.toml\s*", line):
                current = f"{named[1]}.toml"
            else:
                assert current, f"a README TOML block does not say which file it is: {block}"
                files[current] += line
    return files


def readme_build_vars(section: str) -> dict[str, object]:
    """The `--vars` of the walkthrough's build command."""
    [vars_json] = re.findall(r"^uv run kpibridge build --vars '(\{.*\})'$", section, re.M)
    return json.loads(vars_json)


def toml_text(settings: dict[str, dict[str, Any]]) -> str:
    """Tables of strings and string lists, as TOML (JSON's string syntax is TOML's)."""
    return "".join(
        f"[{table}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in keys.items())
        for table, keys in settings.items()
    )


def tables(document: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Nested TOML tables flattened to dotted names: {"sources.jira": {...}, ...}."""
    flat: dict[str, dict[str, Any]] = {}
    for key, value in document.items():
        assert isinstance(value, dict), f"top-level key {key} outside a table"
        values = {k: v for k, v in value.items() if not isinstance(v, dict)}
        if values:
            flat[prefix + key] = values
        flat |= tables({k: v for k, v in value.items() if isinstance(v, dict)}, f"{prefix}{key}.")
    return flat


@dataclass
class Project:
    folder: Path
    env: dict[str, str]  # what the commands run with
    config: dict[str, dict[str, Any]]  # the README's config.toml, as written
    org: Org


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A user's .dlt/ from the README, pointed at a documented-fields simulator."""
    files = readme_settings(walkthrough())
    config = tables(tomllib.loads(files["config.toml"]))
    secrets = tables(tomllib.loads(files["secrets.toml"]))
    readme_config = deepcopy(config)
    creds = Credentials()
    with Simulator(build_org(), documented_fields_only=True) as sim:
        for source, url in sim.urls.items():
            assert config[f"sources.{source}"]["base_url"], source
            config[f"sources.{source}"]["base_url"] = url
        config["sources.jira"]["email"] = creds.jira_email
        config["sources.github"]["owner"] = GITHUB_OWNER
        secrets["sources.jira"]["api_token"] = creds.jira_token
        secrets["sources.github"]["access_token"] = creds.github_token
        secrets["sources.pagerduty"]["api_token"] = creds.pagerduty_token
        settings = tmp_path / "project" / ".dlt"
        settings.mkdir(parents=True)
        (settings / "config.toml").write_text(toml_text(config))
        (settings / "secrets.toml").write_text(toml_text(secrets))
        # nothing of the developer's own settings, secrets or data
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SOURCES__", "KPIBRIDGE", "DLT_"))
        }
        env |= {
            "DLT_PROJECT_DIR": str(tmp_path / "project"),
            "KPIBRIDGE_DUCKDB": str(tmp_path / "data" / "kpibridge.duckdb"),
            "KPIBRIDGE_MARTS": str(tmp_path / "data" / "marts.duckdb"),
        }
        yield Project(tmp_path, env, readme_config, sim.org)


def kpibridge(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(KPIBRIDGE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"kpibridge {' '.join(args)} failed:\n{output}"
    return output


@pytest.mark.timeout(900)
def test_the_readme_walkthrough_publishes_marts_naming_every_uncomputable_kpi(
    project: Project,
) -> None:
    env, somewhere_else = project.env, project.folder / "elsewhere"
    somewhere_else.mkdir()
    build_vars = readme_build_vars(walkthrough())
    assert build_vars == {"kpi_as_of_date": "2026-11-01"}  # the simulated org's last day

    doctor = kpibridge(["doctor"], somewhere_else, env)
    assert "FIX" not in doctor
    reached = re.findall(r"^ok  (\w+) +token accepted", doctor, re.M)
    assert sorted(reached) == ["github", "jira", "pagerduty"], doctor
    ingest = kpibridge(["ingest"], somewhere_else, env)
    assert "FAILED" not in ingest
    build = kpibridge(["build", "--vars", json.dumps(build_vars)], somewhere_else, env)
    assert f"published {env['KPIBRIDGE_MARTS']}" in build

    with duckdb.connect(env["KPIBRIDGE_MARTS"], read_only=True) as con:
        unexplained = con.execute(
            "select count(*) from kpi_values where value is null and null_reason is null"
        ).fetchone()
        never = con.execute(
            "select team_key, kpi_id from kpi_values group by all "
            "having count(value) = 0 order by all"
        ).fetchall()
        findings = con.execute(
            "select team_key, entity_id from data_quality_findings "
            "where check_name = 'kpi_never_computed' order by all"
        ).fetchall()
        not_found = con.execute(
            "select distinct entity_id from data_quality_findings "
            "where check_name = 'mapped_entity_not_found'"
        ).fetchall()
        checkout_lead_time = con.execute(
            "select distinct null_reason from kpi_values "
            "where team_key = 'checkout' and kpi_id = 'change_lead_time'"
        ).fetchall()
    # every NULL has its reason; a KPI a team never gets is also a finding for that team
    assert unexplained == (0,)
    assert never and findings == never
    # the README's config reads some repositories and Jira projects: the seeds' others are
    # named, and the teams they leave without data get their KPIs NULL with the reason
    repos = set(project.config["sources.github"]["repos"])
    projects = set(project.config["sources.jira"]["projects"])
    org = project.org
    assert {key for (key,) in not_found} == (
        {r.name for r in org.repos} - repos
        | {p.key for p in org.projects} - projects
        | {str(b.id) for b in org.boards if b.project_key not in projects}
    )
    assert not any(r.startswith("checkout") for r in repos)
    assert checkout_lead_time == [
        (
            "no value in any period for this team: "
            "needs merged pull requests shipped by a production deployment",
        )
    ]
