"""The event marts BI tools read hold the simulated organisation's values, recomputed here in
Python from the organisation itself (not from the SQL), row by row; the KPI marts agree with
the values they summarise (kpi_scorecard's baseline, kpi_alignment's correlation)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from statistics import correlation, fmean

import pytest

from tests.conftest import Built

PRODUCTION = {"production", "prod"}  # dbt_project.yml production_environments


def naive_utc(moment: datetime) -> datetime:
    """As the marts store it: UTC without a zone, whole seconds (what the APIs send)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.replace(tzinfo=None, microsecond=0)


def hours(start: datetime, end: datetime) -> float:
    return round((naive_utc(end) - naive_utc(start)).total_seconds() / 3600, 6)


def minutes(start: datetime, end: datetime) -> float:
    return round((naive_utc(end) - naive_utc(start)).total_seconds() / 60, 4)


def test_incidents_mart_spans_and_teams_match_the_log_entries(built: Built) -> None:
    team_of_service = {
        service: team.key for team in built.org.teams for service in team.pagerduty_service_ids
    }
    expected = {}
    for incident in built.org.incidents:
        acks = [e.created_at for e in incident.log_entries if e.type == "acknowledge_log_entry"]
        expected[incident.id] = (
            team_of_service.get(incident.service_id),
            minutes(incident.created_at, min(acks)) if acks else None,
            hours(incident.created_at, incident.resolved_at) if incident.resolved_at else None,
        )
    actual = {
        incident_id: (
            team,
            None if minutes is None else round(minutes, 4),
            None if resolve is None else round(resolve, 6),
        )
        for incident_id, team, minutes, resolve in built.query(
            "select incident_id, team_key, minutes_to_acknowledge, hours_to_resolve from incidents"
        )
    }
    assert len(expected) > 50
    assert actual == expected


def test_deployments_mart_deploys_at_the_first_success(built: Built) -> None:
    team_of_repo = {repo.name: repo.team_key for repo in built.org.repos}
    expected = {}
    for deployment in built.org.deployments:
        if deployment.environment.lower() not in PRODUCTION:
            continue
        successes = [s.created_at for s in deployment.statuses if s.state == "success"]
        expected[deployment.id] = (
            team_of_repo[deployment.repo],
            naive_utc(min(successes)) if successes else None,
            bool(successes),
        )
    actual = {
        deployment_id: (team, deployed_at, successful)
        for deployment_id, team, deployed_at, successful in built.query(
            "select deployment_id, team_key, deployed_at, is_successful_production "
            "from deployments where deployment_source = 'deployments' and is_production"
        )
    }
    assert sum(1 for *_, successful in expected.values() if not successful) > 0  # failures kept
    assert actual == expected


def test_changes_mart_review_timeline_per_pull_request(built: Built) -> None:
    expected = {}
    for pr in built.org.pull_requests:
        if not pr.merged_at:
            continue
        peers = sorted(
            (r for r in pr.reviews if r.user_login != pr.author_login),
            key=lambda r: r.submitted_at,
        )
        first = naive_utc(peers[0].submitted_at) if peers else None
        expected[pr.id] = (
            len(pr.commits),
            pr.additions + pr.deletions,
            first,
            len({r.user_login for r in peers if r.state == "APPROVED"}),
            sum(1 for c in pr.commits if first and naive_utc(c.committed_at) > first),
        )
    actual = {
        row[0]: tuple(row[1:])
        for row in built.query(
            "select pull_request_id, commit_count, lines_changed, first_review_at, approvals, "
            "commits_after_first_review from changes where is_merged"
        )
    }
    assert sum(1 for *_, after in expected.values() if after > 0) > 0  # rework after review
    assert actual == expected


def test_changes_mart_holds_every_pull_request_with_its_state(built: Built) -> None:
    expected = {
        pr.id: (
            pr.state,
            pr.merged_at is not None,
            naive_utc(pr.closed_at) if pr.closed_at else None,
        )
        for pr in built.org.pull_requests
    }
    actual = {
        row[0]: tuple(row[1:])
        for row in built.query("select pull_request_id, state, is_merged, closed_at from changes")
    }
    abandoned = [closed for _, merged, closed in expected.values() if closed and not merged]
    assert len(abandoned) > 0  # closed without merge
    assert actual == expected


def test_changes_link_to_their_pull_request_pages(built: Built) -> None:
    expected = {
        pr.id: f"https://github.com/{built.org.github_org}/{pr.repo}/pull/{pr.number}"
        for pr in built.org.pull_requests
    }
    actual = dict(built.query("select pull_request_id, html_url from changes"))
    assert actual == expected


def test_work_items_mart_reopens_and_done_times_from_the_changelog(built: Built) -> None:
    done = {s.name for s in built.org.jira_statuses if s.category_key == "done"}
    expected = {}
    for issue in built.org.issues:
        moves = [
            (entry.created, item.from_string, item.to_string)
            for entry in issue.changelog
            for item in entry.items
            if item.field == "status"
        ]
        reopens = sum(1 for _, old, new in moves if old in done and new not in done)
        done_moves = [at for at, old, new in moves if new in done and old not in done]
        expected[issue.key] = (reopens, naive_utc(max(done_moves)) if done_moves else None)
    actual = {
        key: (reopens, done_at)
        for key, reopens, done_at in built.query(
            "select issue_key, times_reopened, done_at from work_items"
        )
    }
    assert sum(reopens for reopens, _ in expected.values()) > 0
    assert actual == expected


def test_sprints_mart_has_every_sprint_and_scores_closed_ones_only(built: Built) -> None:
    expected = {sprint.id: sprint.state for sprint in built.org.sprints}
    rows = built.query("select sprint_id, state, say_do_ratio from sprints")
    assert {sprint_id: state for sprint_id, state, _ in rows} == expected
    scored = {state for _, state, ratio in rows if ratio is not None}
    assert scored == {"closed"}
    assert [r for _, _, r in rows if r is not None and not 0 <= r <= 100] == []


def test_source_loads_count_every_raw_table_of_the_organisation(built: Built) -> None:
    from ingestion.simulator.expected import expected_rows

    loads = dict(
        built.query("select source_system || '.' || table_name, row_count from source_loads")
    )
    expected = {
        table.removeprefix("raw_"): rows for table, rows in expected_rows(built.org).items()
    }
    assert {t: loads.get(t) for t in expected} == expected


def test_scorecard_baseline_is_the_mean_of_the_three_months_before(built: Built) -> None:
    monthly: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    for team, kpi, month, value in built.query(
        "select team_key, kpi_id, period_start::varchar, value from kpi_values "
        "where grain = 'month' and is_complete"
    ):
        monthly[team, kpi][month] = value
    rows = built.query(
        "select team_key, kpi_id, period_start::varchar, value, baseline from kpi_scorecard"
    )
    checked = 0
    for team, kpi, month, value, baseline in rows:
        months = sorted(m for m in monthly[team, kpi] if m < month)[-3:]
        previous = [monthly[team, kpi][m] for m in months if monthly[team, kpi][m] is not None]
        assert value == monthly[team, kpi][month], (team, kpi)
        assert baseline == (pytest.approx(fmean(previous)) if previous else None), (team, kpi)
        checked += baseline is not None
    assert checked > 100


def test_alignment_correlation_is_pearson_of_the_paired_months(built: Built) -> None:
    claimed = built.query(
        "select team_key, kpi_id, outcome_measure, lag_months, n_points, correlation "
        "from kpi_alignment where correlation_claimed"
    )
    assert claimed
    # outcomes count only within the complete KPI months (the range of the whole build)
    first, last = built.query(
        "select min(period_start), max(period_start) from kpi_values "
        "where grain = 'month' and is_complete"
    )[0]
    for team, kpi, measure, lag, n_points, value in claimed:
        kpi_by_month = dict(
            built.query(
                "select period_start, value from kpi_values where team_key = ? and kpi_id = ? "
                "and grain = 'month' and is_complete and value is not null",
                [team, kpi],
            )
        )
        outcome_by_month = dict(
            built.query(
                "select month::date, value from business_outcomes "
                "where team_key = ? and measure = ? and month::date between ? and ?",
                [team, measure, first, last],
            )
        )
        pairs = [
            (kpi_value, outcome_by_month[shifted])
            for month, kpi_value in kpi_by_month.items()
            if (shifted := _add_months(month, lag)) in outcome_by_month
        ]
        assert len(pairs) == n_points, (team, kpi, measure, lag)
        xs, ys = zip(*pairs, strict=True)
        assert value == pytest.approx(correlation(xs, ys)), (team, kpi, measure, lag)


def _add_months(month: object, months: int) -> object:
    index = month.year * 12 + month.month - 1 + months  # type: ignore[attr-defined]
    return month.replace(year=index // 12, month=index % 12 + 1)  # type: ignore[attr-defined]
