"""The synthetic organisation: deterministic, scalable, with its stories planted."""

from __future__ import annotations

import csv

from ingestion.simulator.model import Org
from ingestion.simulator.org import (
    FAST_BUT_FRAGILE_TEAM,
    IMPROVING_TEAM,
    SLOW_REVIEW_TEAM,
    build_org,
)
from ingestion.simulator.seeds import seed_tables
from tests.conftest import REPO_ROOT


def test_same_seed_same_org_other_seed_other_org(org: Org) -> None:
    again, other = build_org(), build_org(seed=8)
    assert [p.merge_commit_sha for p in again.pull_requests] == [
        p.merge_commit_sha for p in org.pull_requests
    ]
    assert [i.created for i in again.issues] == [i.created for i in org.issues]
    assert [p.merge_commit_sha for p in other.pull_requests] != [
        p.merge_commit_sha for p in org.pull_requests
    ]


def test_scale_one_is_four_teams_twelve_repos_six_months(org: Org) -> None:
    assert (len(org.teams), len(org.repos)) == (4, 12)
    assert 180 <= (org.end - org.start).days <= 186
    doubled = build_org(scale=2)
    assert (len(doubled.teams), len(doubled.repos)) == (8, 24)
    assert len({t.key for t in doubled.teams}) == 8


def test_committed_seeds_describe_the_default_org(org: Org) -> None:
    """seeds/ holds the demo organisation: regenerate with ingestion.simulator.seeds if the
    org changes."""
    for name, rows in seed_tables(org).items():
        with (REPO_ROOT / "seeds" / f"{name}.csv").open() as handle:
            committed = list(csv.DictReader(handle))
        assert committed == [{k: str(v) for k, v in row.items()} for row in rows], name


def test_planted_stories_are_in_the_data(org: Org) -> None:
    keys = {story.key for story in org.stories}
    assert {
        "rising_deploys_worsening_cfr",
        "slow_first_review",
        "incidents_naming_deployments",
        "reliability_then_outcomes",
        "hotfix_and_revert_prs",
        "squash_merges",
        "release_and_workflow_deploys",
        "failed_then_succeeded",
        "reopened_bugs",
        "sprint_scope_added",
        "late_versions",
        "worklogs",
    } <= keys

    def month(at: object) -> int:
        return (at.year - org.start.year) * 12 + at.month - org.start.month  # type: ignore[attr-defined]

    fragile_repos = next(t.repos for t in org.teams if t.key == FAST_BUT_FRAGILE_TEAM)
    per_month: dict[int, int] = {}
    for dep in org.deployments:
        if dep.repo in fragile_repos and dep.environment == "production":
            per_month[month(dep.created_at)] = per_month.get(month(dep.created_at), 0) + 1
    counts = [per_month[m] for m in sorted(per_month)][1:-1]  # whole months only
    assert counts[-1] > counts[0]

    def first_review_hours(team: str) -> float:
        repos = next(t.repos for t in org.teams if t.key == team)
        waits = sorted(
            (min(r.submitted_at for r in p.reviews) - p.created_at).total_seconds() / 3600
            for p in org.pull_requests
            if p.repo in repos and p.reviews
        )
        return waits[len(waits) // 2]

    assert first_review_hours(SLOW_REVIEW_TEAM) >= 30
    assert all(first_review_hours(t.key) < 10 for t in org.teams if t.key != SLOW_REVIEW_TEAM)
    squash = [p for p in org.pull_requests if p.merge_method == "squash"]
    assert squash and all(p.merge_commit_sha not in {c.sha for c in p.commits} for p in squash)
    improving = [o for o in org.outcomes if o.team_key == IMPROVING_TEAM and o.measure == "csat"]
    assert improving[-1].value > improving[0].value + 0.4


def test_no_pull_request_ships_before_it_merges(org: Org) -> None:
    """A deployment ships the default branch as it is when it deploys: a PR's merge commit
    joins that history when the PR merges, not when it is opened."""
    history = {r.name: [c.sha for c in r.history] for r in org.repos}
    deployed = [(d.repo, d.sha, d.created_at) for d in org.deployments]
    deployed += [(r.repo, r.target_commitish, r.created_at) for r in org.releases]
    deployed += [(w.repo, w.head_sha, w.created_at) for w in org.workflow_runs]
    merged = [p for p in org.pull_requests if p.merged_at]
    in_flight = shipped_early = 0
    for repo, sha, at in deployed:
        tip = history[repo].index(sha)
        for pr in merged:
            if pr.repo == repo and pr.created_at < at < pr.merged_at:  # type: ignore[operator]
                in_flight += 1
                shipped_early += history[repo].index(pr.merge_commit_sha) <= tip
    assert in_flight > 100  # deployments made while PRs were open: the case that matters
    assert shipped_early == 0
    # by hand, checkout-api: PR #3 was opened on 05-06 and merged at 20:03 on 05-08, so the
    # deployment at 15:00 that day ships up to PR #2 (merged at 01:20); #3 ships on 05-11
    ships = {
        d.created_at.date().isoformat(): d.sha
        for d in org.deployments
        if d.repo == "checkout-api" and d.environment == "production"
    }
    merge_sha = {p.number: p.merge_commit_sha for p in merged if p.repo == "checkout-api"}
    assert (ships["2026-05-08"], ships["2026-05-11"]) == (merge_sha[2], merge_sha[4])
