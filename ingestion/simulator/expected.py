"""Rows each raw table must hold after a complete ingest, counted from the organisation itself.

One function per API: the ingestion tests and the benchmark compare every raw table with these.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.config import production_environments
from ingestion.simulator.model import Commit, Org


def shipped_ranges(org: Org) -> Iterator[list[Commit]]:
    """Per repository, the default-branch commits between each successful production
    deployment and the previous one with a different sha (what `compares` holds)."""
    production = {env.lower() for env in production_environments()}
    for repo in org.repos:
        shipped = sorted(
            (
                d
                for d in org.deployments
                if d.repo == repo.name
                and d.environment.lower() in production
                and any(s.state == "success" for s in d.statuses)
            ),
            key=lambda d: (d.created_at, d.id),
        )
        position = {c.sha: i for i, c in enumerate(repo.history)}
        for previous, current in zip(shipped, shipped[1:], strict=False):
            if previous.sha != current.sha:
                yield repo.history[position[previous.sha] + 1 : position[current.sha] + 1]


def github_rows(org: Org) -> dict[str, int]:
    default_branch = {repo.name: repo.default_branch for repo in org.repos}
    ranges = list(shipped_ranges(org))
    return {
        "raw_github.repositories": len(org.repos),
        "raw_github.pull_requests": len(org.pull_requests),
        "raw_github.pull_requests__labels": sum(len(pr.labels) for pr in org.pull_requests),
        "raw_github.pull_request_reviews": sum(len(pr.reviews) for pr in org.pull_requests),
        "raw_github.pull_request_commits": sum(len(pr.commits) for pr in org.pull_requests),
        "raw_github.deployments": len(org.deployments),
        "raw_github.deployment_statuses": sum(len(d.statuses) for d in org.deployments),
        "raw_github.releases": len(org.releases),
        "raw_github.compares": len(ranges),
        "raw_github.compares__commits": sum(len(commits) for commits in ranges),
        "raw_github.commit_statuses": len(org.commit_statuses),
        "raw_github.workflow_runs": sum(
            1 for run in org.workflow_runs if run.head_branch == default_branch[run.repo]
        ),
    }


def jira_rows(org: Org) -> dict[str, int]:
    return {
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
        # sprint membership: the issues' sprint field
        "raw_jira.issues__fields__customfield_10020": sum(len(i.sprint_ids) for i in org.issues),
    }


def pagerduty_rows(org: Org) -> dict[str, int]:
    """Incidents (one team each) and every log entry of the account, whether the incident was
    listed or named by a later log entry; services (one team each), teams, priorities."""
    return {
        "raw_pagerduty.incidents": len(org.incidents),
        "raw_pagerduty.incidents__teams": len(org.incidents),
        "raw_pagerduty.incident_log_entries": sum(len(i.log_entries) for i in org.incidents),
        "raw_pagerduty.services": len(org.services),
        "raw_pagerduty.services__teams": len(org.services),
        "raw_pagerduty.teams": len(org.pagerduty_teams),
        "raw_pagerduty.priorities": len(org.priorities),
    }


def expected_rows(org: Org) -> dict[str, int]:
    """Every raw table of the three sources, with its expected row count."""
    return github_rows(org) | jira_rows(org) | pagerduty_rows(org)
