"""The deterministic synthetic organisation the simulator serves.

Only `random.Random(seed)` drives it: the same (seed, scale, end) always gives the same data.
The planted stories (see STORIES.md) are what the KPI marts must later find.

Built part by part: `teams` (people, project, on-call, repos), `github` (pull requests,
deployments, coverage), `jira` (sprints, versions, issues), `pagerduty` (incidents),
`outcomes` (business outcomes), `stories` (the planted stories record); `mutate` changes
records as a later read would see them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ingestion.simulator.model import Org, Priority
from ingestion.simulator.org.context import (
    DEFAULT_END,
    FAST_BUT_FRAGILE_TEAM,
    GITHUB_OWNER,
    HISTORY_DAYS,
    IMPROVING_TEAM,
    SLOW_REVIEW_TEAM,
    BuildContext,
    Ids,
)
from ingestion.simulator.org.github import COVERAGE_CONTEXT
from ingestion.simulator.org.jira import STATUSES
from ingestion.simulator.org.mutate import mutate_org
from ingestion.simulator.org.outcomes import build_outcomes
from ingestion.simulator.org.stories import record_stories
from ingestion.simulator.org.teams import build_team

__all__ = [
    "COVERAGE_CONTEXT",
    "DEFAULT_END",
    "FAST_BUT_FRAGILE_TEAM",
    "GITHUB_OWNER",
    "IMPROVING_TEAM",
    "SLOW_REVIEW_TEAM",
    "build_org",
    "mutate_org",
]

BASE_TEAMS = (
    ("payments", "Payments", "PAY"),
    ("checkout", "Checkout", "CHK"),
    ("platform", "Platform", "PLT"),
    ("mobile", "Mobile", "MOB"),
)


def build_org(seed: int = 7, scale: int = 1, end: datetime = DEFAULT_END) -> Org:
    """Build the synthetic organisation: scale 1 is 4 teams, 12 repos, 6 months."""
    if scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale}")
    rng = random.Random(seed)
    start = end - timedelta(days=HISTORY_DAYS)
    org = Org(
        seed=seed,
        scale=scale,
        github_org=GITHUB_OWNER,
        jira_site="acme-sim.atlassian.net",
        start=start,
        end=end,
        people=[],
        teams=[],
        repos=[],
        pull_requests=[],
        deployments=[],
        releases=[],
        workflow_runs=[],
        commit_statuses=[],
        jira_statuses=list(STATUSES),
        projects=[],
        versions=[],
        boards=[],
        sprints=[],
        issues=[],
        pagerduty_teams=[],
        services=[],
        priorities=[Priority(f"PRI{i}", f"P{i}", i) for i in range(1, 6)],
        incidents=[],
        outcomes=[],
        stories=[],
    )
    ctx = BuildContext(org, rng, Ids())
    for copy in range(1, scale + 1):
        for base_key, base_name, base_project in BASE_TEAMS:
            suffix = "" if copy == 1 else f"-{copy}"
            build_team(
                ctx,
                key=base_key + suffix,
                name=base_name,
                project_base=base_project,
                copy=copy,
                archetype=base_key,
            )
    build_outcomes(ctx)
    record_stories(org)
    return org
