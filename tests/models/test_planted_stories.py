"""The marts built from the simulator find every story the synthetic organisation plants
(ingestion/simulator/STORIES.md): what a stakeholder must be able to see."""

from __future__ import annotations

from tests.conftest import Built


def teams_and_organisation(built: Built) -> set[str]:
    return {team.key for team in built.org.teams} | {"organisation"}


def monthly(built: Built, team: str, kpi: str) -> list[float | None]:
    rows = built.query(
        "select value from kpi_values where team_key = ? and kpi_id = ? and grain = 'month' "
        "and is_complete order by period_start",
        [team, kpi],
    )
    return [value for (value,) in rows]


def mean(values: list[float | None]) -> float:
    present = [v for v in values if v is not None]
    return sum(present) / len(present)


def test_payments_deploys_more_often_while_more_deployments_fail(built: Built) -> None:
    frequency = monthly(built, "payments", "deployment_frequency")
    failure_rate = monthly(built, "payments", "change_failure_rate")
    assert len(frequency) == 6
    assert mean(frequency[-2:]) > 1.3 * mean(frequency[:2])
    assert mean(failure_rate[-3:]) > 1.5 * mean(failure_rate[:3])
    assert failure_rate[-1] > 3 * failure_rate[0]


def test_checkout_waits_for_a_first_review(built: Built) -> None:
    stages = dict(
        built.query(
            "select team_key, list(distinct bottleneck_stage) from lead_time_bottlenecks "
            "where grain = 'quarter' group by team_key"
        )
    )
    assert stages.keys() == teams_and_organisation(built)
    assert stages["checkout"] == ["pickup"]
    assert [team for team, found in stages.items() if "pickup" in found] == ["checkout"]


def test_checkout_lead_time_includes_its_review_wait_and_misses_its_target(built: Built) -> None:
    # every change ships after its PR merges, so lead time holds the whole review wait
    lead_time = monthly(built, "checkout", "change_lead_time")
    review_time = monthly(built, "checkout", "pr_review_time")
    assert len(lead_time) == len(review_time) == 6
    assert [
        lead for lead, review in zip(lead_time, review_time, strict=True) if lead <= review
    ] == []
    [(value, target, met)] = built.query(
        "select value, short_term_target, short_term_met from kpi_scorecard "
        "where team_key = 'checkout' and kpi_id = 'change_lead_time'"
    )
    assert value > target and met is False


def test_incidents_link_to_the_deployment_they_name_or_by_time(built: Built) -> None:
    naming = {
        i.id: i.title.split("after deploy ")[1]
        for i in built.org.incidents
        if "after deploy " in i.title
    }
    explicit = dict(
        built.query(
            "select incidents.incident_id, deployments.sha from incidents "
            "join deployments on incidents.linked_deployment_key = deployments.deployment_key "
            "where incidents.link_rule = 'explicit_reference'"
        )
    )
    assert naming, "the org plants incidents that name their deployment"
    assert explicit.keys() == naming.keys()
    assert [i for i, sha in naming.items() if not explicit[i].startswith(sha)] == []
    rules = dict(
        built.query("select coalesce(link_rule, 'none'), count(*) from incidents group by all")
    )
    assert rules["time_window"] > 0 and rules["none"] > 0


def test_platform_reliability_improves_and_its_customers_follow(built: Built) -> None:
    incidents = monthly(built, "platform", "incident_count")
    assert sum(v or 0 for v in incidents[:3]) > 2 * sum(v or 0 for v in incidents[3:])
    assert mean(monthly(built, "platform", "mttr")[:3]) > 2 * mean(
        monthly(built, "platform", "mttr")[3:]
    )
    claimed = built.query(
        "select correlation, n_points from kpi_alignment where team_key = 'platform' "
        "and kpi_id = 'incident_count' and outcome_measure = 'churn_rate' and lag_months = 0 "
        "and correlation_claimed"
    )
    assert claimed and claimed[0][0] > 0.5 and claimed[0][1] >= 6
    too_few = built.scalar(
        "select bool_and(not correlation_claimed) from kpi_alignment where n_points < 6"
    )
    assert too_few is True


def test_hotfix_and_revert_prs_make_rework_deployments(built: Built) -> None:
    merged = [p for p in built.org.pull_requests if p.merged_at]
    # the rule of dbt_project.yml: label `hotfix`, or a `hotfix/` or `revert-` branch
    hotfixes = sum(
        1
        for p in merged
        if "hotfix" in {label.lower() for label in p.labels}
        or p.head_ref.startswith(("hotfix/", "revert-"))
    )
    reverts = sum(1 for p in merged if p.head_ref.startswith("revert-"))
    assert built.scalar("select count(*) from changes where is_hotfix") == hotfixes > 0
    assert built.scalar("select count(*) from changes where is_revert") == reverts > 0
    rates = dict(
        built.query(
            "select team_key, max(value) from kpi_values "
            "where kpi_id = 'deployment_rework_rate' and grain = 'quarter' group by 1"
        )
    )
    assert rates.keys() == teams_and_organisation(built)
    assert [team for team, rate in rates.items() if not rate > 0] == []


def test_squash_merges_are_shipped_by_their_merge_sha(built: Built) -> None:
    squashed = {p.id for p in built.org.pull_requests if p.merge_method == "squash"}
    shipped = {
        pr_id
        for (pr_id,) in built.query(
            "select pull_request_id from changes where ship_rule = 'compare'"
        )
    }
    assert len(squashed & shipped) > 0.8 * len(
        squashed
        & {
            pr_id
            for (pr_id,) in built.query(
                "select pull_request_id from changes where deployment_key is not null"
            )
        }
    )


def test_release_and_workflow_repositories_deploy_too(built: Built) -> None:
    by_source = dict(
        built.query(
            "select repo || ':' || deployment_source, count(*) from deployments "
            "where is_successful_production group by all"
        )
    )
    published = sum(
        1
        for r in built.org.releases
        if r.repo == "mobile-api" and r.published_at and not r.draft and not r.prerelease
    )
    successful_runs = sum(
        1 for r in built.org.workflow_runs if r.repo == "platform-web" and r.conclusion == "success"
    )
    assert by_source["mobile-api:releases"] == published > 0
    assert by_source["platform-web:workflow"] == successful_runs > 0
    assert "mobile-api:deployments" not in by_source


def test_a_failed_deployment_is_kept_and_its_retry_counts(built: Built) -> None:
    retried = built.query(
        "select count(*), count(retry.deployment_key) from deployments as failed "
        "left join deployments as retry on failed.repo = retry.repo and failed.sha = retry.sha "
        "and retry.is_successful_production and retry.created_at > failed.created_at "
        "where failed.is_production and failed.result = 'failure' "
        "and failed.deployment_source = 'deployments'"
    )
    failed, with_retry = retried[0]
    assert failed > 0 and with_retry == failed


def test_reopened_bugs_count_once_and_recur(built: Built) -> None:
    story = next(s for s in built.org.stories if s.key == "reopened_bugs")
    reopened = built.scalar("select count(*) from work_items where times_reopened > 0")
    assert reopened == int(story.evidence.split()[0]) > 0
    assert (
        built.scalar(
            "select max(value) from kpi_values "
            "where kpi_id = 'bug_recurrence_rate' and grain = 'quarter'"
        )
        > 0
    )


def test_scope_added_after_sprint_start(built: Built) -> None:
    added = built.scalar("select sum(issues_added_after_start) from sprints")
    assert added > 0
    assert (
        built.scalar(
            "select count(*) from kpi_values where kpi_id = 'sprint_scope_added' and value > 0"
        )
        > 0
    )


def test_second_versions_ship_late(built: Built) -> None:
    on_time = dict(
        built.query(
            "select period_start::varchar, max(value) from kpi_values "
            "where kpi_id = 'on_time_delivery' and grain = 'quarter' "
            "and team_key != 'organisation' "
            "and value is not null group by 1"
        )
    )
    assert on_time == {"2026-04-01": 100.0, "2026-07-01": 0.0, "2026-10-01": 100.0}


def test_worklogs_give_person_days(built: Built) -> None:
    teams = built.query(
        "select distinct team_key from kpi_values where "
        "kpi_id = 'priority_defects_per_person_day' and value is not null"
    )
    assert len(teams) == 5
