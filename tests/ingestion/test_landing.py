"""A full ingest of the simulator lands exactly the organisation: no duplicates, no gaps."""

from __future__ import annotations

import pytest

from ingestion.simulator.expected import expected_rows
from tests.conftest import Landed


def test_every_raw_table_holds_exactly_the_organisation(landed: Landed) -> None:
    expected = expected_rows(landed.org)
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
    assert by_source["github"].rows["pull_requests"] == len(landed.org.pull_requests)
