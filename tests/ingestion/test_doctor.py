"""`kpibridge doctor` against the simulator: checks, mapping comparison and drafted seeds."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ingestion.cli import main
from ingestion.config import project_vars
from ingestion.doctor import Report, run_doctor
from ingestion.pipeline import simulator_settings
from ingestion.simulator.server import Simulator

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
RULES = project_vars()


def _doctor(sim: Simulator, seeds_dir: Path) -> Report:
    return run_doctor(
        simulator_settings(sim.urls),
        seeds_dir,
        RULES["production_environments"],
        RULES["deployment_workflows"],
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _failures(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.source, f.check, f.detail) for f in report.findings if not f.ok)


def _seeds_copy(tmp_path: Path, team_sources: list[dict[str, str]]) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    with (folder / "team_sources.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(team_sources[0]))
        writer.writeheader()
        writer.writerows(team_sources)
    return folder


def test_the_committed_mapping_of_the_demo_org_is_green(simulator: Simulator) -> None:
    report = _doctor(simulator, SEEDS)
    assert _failures(report) == []
    assert len(report.inventory.repos) == 12
    assert report.inventory.repos["platform-web"].workflow_names == {"Deploy"}
    assert report.reached == {"github", "jira", "pagerduty"}
    # one page of 12 repositories, read once: the token and scope checks use that same page
    assert simulator.request_counts_by_endpoint[("github", r"/orgs/(?P<org>[^/]+)/repos")] == 1


def test_mapping_mistakes_are_named(simulator: Simulator, tmp_path: Path) -> None:
    rows = _rows(SEEDS / "team_sources.csv")
    edited = []
    mobile_service = next(
        t for t in simulator.org.teams if t.key == "mobile"
    ).pagerduty_service_ids[0]
    for row in rows:
        if row["source_key"] == "payments-api":
            row = row | {"source_key": "acme-sim/payments-api"}  # as GitHub shows it: accepted
        if row["source_key"] == "checkout-web":
            row = row | {"source_key": "checkout-webapp"}  # a typo: no such repo
        if row["source_key"] == "mobile-api":
            row = row | {"deployment_source": "deployments"}  # it ships through releases
        if (row["team_key"], row["source_system"]) == ("mobile", "pagerduty"):
            continue  # mobile loses its incident source
        edited.append(row)
    report = _doctor(simulator, _seeds_copy(tmp_path, edited))
    failures = _failures(report)
    mobile_pagerduty_kpis = (
        "change_failure_rate, failed_deployment_recovery_time, mttr, mtta, mttd, "
        "incident_count, availability, downtime_cost"
    )
    assert failures == sorted(
        [
            (
                "github",
                "mapped entity exists",
                "team_sources.csv maps repo 'checkout-webapp' to checkout, "
                "but the account has none by that name",
            ),
            ("github", "entity mapped to a team", "repo 'checkout-web' has no team"),
            (
                "github",
                "deployment source",
                "mobile-api: team_sources.csv says 'deployments', the account shows 'releases'",
            ),
            ("pagerduty", "entity mapped to a team", f"service {mobile_service!r} has no team"),
            ("pagerduty", "team has an incident source", "team mobile"),
            (
                "seeds",
                "KPIs computable",
                f"team mobile: {mobile_pagerduty_kpis} need a source the team has none of "
                "(mapped: github, jira)",
            ),
        ]
    )


def test_a_rejected_token_is_named_and_nothing_else_is_claimed(simulator: Simulator) -> None:
    settings = simulator_settings(simulator.urls)
    settings["github"]["access_token"] = "wrong"
    del settings["jira"]["email"]
    report = run_doctor(settings, SEEDS, ["production"], ["Deploy"])
    failures = _failures(report)
    assert ("jira", "configured") in {(source, check) for source, check, _ in failures}
    github = [
        detail for source, check, detail in failures if (source, check) == ("github", "reachable")
    ]
    assert len(github) == 1 and "SOURCES__GITHUB__ACCESS_TOKEN" not in github[0]
    assert "sources.github.access_token" in github[0] and "wrong" not in github[0]
    assert report.reached == {"pagerduty"}  # no "mapped repo missing" claims without an inventory
    assert not [f for f in report.findings if f.check == "mapped entity exists"]


def test_drafted_seeds_reproduce_the_demo_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--simulator", "--draft-seeds", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "ok  github     repositories: 12 in acme-sim" in printed
    key = ("team_key", "source_system", "source_kind", "source_key", "deployment_source")
    drafted = {tuple(row[k] for k in key) for row in _rows(tmp_path / "team_sources.csv")}
    committed = {tuple(row[k] for k in key) for row in _rows(SEEDS / "team_sources.csv")}
    assert drafted == committed
    assert [row["team_key"] for row in _rows(tmp_path / "teams.csv")] == [
        "checkout",
        "mobile",
        "payments",
        "platform",
    ]
    catalog = {
        (r["service_id"], r["team_key"], r["repo"]) for r in _rows(tmp_path / "service_catalog.csv")
    }
    committed_catalog = {
        (r["service_id"], r["team_key"], r["repo"]) for r in _rows(SEEDS / "service_catalog.csv")
    }
    assert catalog == committed_catalog
