"""A full ingest of the simulator lands exactly the organisation: no duplicates, no gaps."""

from __future__ import annotations

import pytest

from ingestion.simulator.model import Org
from tests.conftest import Landed


def expected_counts(org: Org) -> dict[str, int]:
    """Rows each raw table must hold, counted from the organisation itself."""
    default_branch = {repo.name: repo.default_branch for repo in org.repos}
    return {
        "raw_github.repositories": len(org.repos),
        "raw_github.pull_requests": len(org.pull_requests),
        "raw_github.pull_requests__labels": sum(len(pr.labels) for pr in org.pull_requests),
        "raw_github.pull_request_reviews": sum(len(pr.reviews) for pr in org.pull_requests),
        "raw_github.pull_request_commits": sum(len(pr.commits) for pr in org.pull_requests),
        "raw_github.deployments": len(org.deployments),
        "raw_github.deployment_statuses": sum(len(d.statuses) for d in org.deployments),
        "raw_github.releases": len(org.releases),
        "raw_github.commit_statuses": len(org.commit_statuses),
        "raw_github.workflow_runs": sum(
            1 for run in org.workflow_runs if run.head_branch == default_branch[run.repo]
        ),
        "raw_jira.projects": len(org.projects),
        "raw_jira.versions": len(org.versions),
        "raw_jira.boards": len(org.boards),
        "raw_jira.sprints": len(org.sprints),
        "raw_jira.issues": len(org.issues),
        "raw_jira.issues__fields__labels": sum(len(i.labels) for i in org.issues),
        "raw_jira.issues__fields__fix_versions": sum(len(i.fix_version_ids) for i in org.issues),
        "raw_jira.issue_changelogs": sum(len(i.changelog) for i in org.issues),
        "raw_jira.issue_changelogs__items": sum(
            len(entry.items) for i in org.issues for entry in i.changelog
        ),
        "raw_jira.worklogs": sum(len(i.worklogs) for i in org.issues),
        "raw_jira.sprint_issues": sum(len(i.sprint_ids) for i in org.issues),
        "raw_pagerduty.incidents": len(org.incidents),
        "raw_pagerduty.incident_log_entries": sum(len(i.log_entries) for i in org.incidents),
        "raw_pagerduty.services": len(org.services),
        "raw_pagerduty.teams": len(org.pagerduty_teams),
        "raw_pagerduty.priorities": len(org.priorities),
    }


def test_every_raw_table_holds_exactly_the_organisation(landed: Landed) -> None:
    expected = expected_counts(landed.org)
    actual = {table: landed.count(table) for table in expected}
    assert actual == expected


@pytest.mark.parametrize(
    "table, key",
    [
        ("raw_github.pull_requests", "id"),
        ("raw_github.deployments", "id"),
        ("raw_github.pull_request_commits", "pull_request_id, sha"),
        ("raw_jira.issues", "id"),
        ("raw_jira.issue_changelogs", "id"),
        ("raw_pagerduty.incidents", "id"),
        ("raw_pagerduty.incident_log_entries", "id"),
    ],
)
def test_primary_keys_are_unique(landed: Landed, table: str, key: str) -> None:
    assert landed.count(f"(select distinct {key} from {table})") == landed.count(table)


def test_compares_cover_every_successive_production_deployment(landed: Landed) -> None:
    """One compare per successful production deployment after each repo's first one."""
    successes: dict[str, list[str]] = {}
    for dep in sorted(landed.org.deployments, key=lambda d: (d.created_at, d.id)):
        if dep.environment == "production" and any(s.state == "success" for s in dep.statuses):
            successes.setdefault(dep.repo, []).append(dep.sha)
    expected = sum(
        sum(1 for before, after in zip(shas, shas[1:], strict=False) if before != after)
        for shas in successes.values()
    )
    assert landed.count("raw_github.compares") == expected > 0


def test_result_reports_rows_per_table(landed: Landed) -> None:
    by_source = {r.source: r for r in landed.results}
    assert by_source["jira"].rows["issues"] == len(landed.org.issues)
    assert by_source["pagerduty"].rows["incidents"] == len(landed.org.incidents)
    assert landed.requests["github"] > len(landed.org.pull_requests)  # detail call per PR
