"""The dbt seeds that describe the simulated organisation (teams, their sources, services,
business outcomes). The committed CSVs in seeds/ are this module's output for the default org;
a user replaces them with their own organisation's."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from ingestion.simulator.model import Org

# downtime cost per hour by service tier (seed 001's $50k/hour example for tier 1)
TIER_COST_PER_HOUR = {1: 50000, 2: 10000}
TIER_1_TEAMS = ("payments", "checkout")


def seed_tables(org: Org) -> dict[str, list[dict[str, object]]]:
    """Rows of teams, team_sources, service_catalog and business_outcomes for `org`."""
    headcount = {team.key: 0 for team in org.teams}
    for person in org.people:
        headcount[person.team_key] += 1
    repos = {repo.name: repo for repo in org.repos}
    services = {service.id: service for service in org.services}
    teams, sources, catalog = [], [], []
    for team in org.teams:
        teams.append(
            {
                "team_key": team.key,
                "team_name": team.name,
                "product": team.key.split("-")[0],
                "headcount": headcount[team.key],
            }
        )
        for repo_name in team.repos:
            sources.append(
                {
                    "team_key": team.key,
                    "source_system": "github",
                    "source_kind": "repo",
                    "source_key": repo_name,
                    "deployment_source": repos[repo_name].deploy_source,
                }
            )
        sources.append(
            {
                "team_key": team.key,
                "source_system": "jira",
                "source_kind": "project",
                "source_key": team.jira_project_key,
                "deployment_source": "",
            }
        )
        sources.append(
            {
                "team_key": team.key,
                "source_system": "jira",
                "source_kind": "board",
                "source_key": str(team.jira_board_id),
                "deployment_source": "",
            }
        )
        for service_id in team.pagerduty_service_ids:
            sources.append(
                {
                    "team_key": team.key,
                    "source_system": "pagerduty",
                    "source_kind": "service",
                    "source_key": service_id,
                    "deployment_source": "",
                }
            )
            tier = 1 if team.key.startswith(TIER_1_TEAMS) else 2
            for repo_name in team.repos:
                catalog.append(
                    {
                        "service_id": service_id,
                        "service_name": services[service_id].name,
                        "team_key": team.key,
                        "repo": repo_name,
                        "tier": tier,
                        "downtime_cost_per_hour": TIER_COST_PER_HOUR[tier],
                    }
                )
    outcomes = [
        {
            "month": o.month.isoformat(),
            "team_key": o.team_key,
            "measure": o.measure,
            "value": o.value,
            "unit": o.unit,
        }
        for o in org.outcomes
    ]
    return {
        "teams": teams,
        "team_sources": sources,
        "service_catalog": catalog,
        "business_outcomes": outcomes,
    }


def write_seeds(org: Org, seeds_dir: Path) -> list[Path]:
    """Write the organisation's seed CSVs into seeds_dir; returns the paths written."""
    written = []
    for name, rows in seed_tables(org).items():
        path = seeds_dir / f"{name}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


PROJECT_ENTRIES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds")


def project_with_seeds(org: Org, project_dir: Path, destination: Path) -> Path:
    """A copy of the dbt project whose organisation seeds describe `org` (another seed or
    scale than the committed demo seeds); returns the copy's directory."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = project_dir / entry
        if source.is_dir():
            shutil.copytree(source, destination / entry, dirs_exist_ok=True)
        else:
            shutil.copy2(source, destination / entry)
    write_seeds(org, destination / "seeds")
    return destination
