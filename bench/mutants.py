"""The mutation catalogue: small, plausible bugs in the KPI SQL and the Python code.

Each mutant replaces one exact snippet (it must occur once in its file) and names the checks
that should kill it: `dbt:<selector>` runs `dbt test --select <selector>` (the dbt unit tests
of the model), `pytest:<args>` runs pytest. A mutant is killed when a check fails.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str
    original: str
    mutated: str
    kind: str
    checks: tuple[str, ...]


def _unit(model: str) -> str:
    return f"dbt:test_type:unit,{model}"


DELIVERY = "models/marts/delivery/_delivery__semantic.yml"
SEMANTIC = "models/marts/semantic/_semantic__semantic.yml"
COMPILER = "macros/metric_values.sql"
# the hand-computed cases of the KPI metrics (dbt's unit tests cannot compile them)
KPI_CASES = "pytest:tests/models/test_kpi_metric_cases.py"
MERGED = "expr: case when team_key is not null and is_merged then "
CHANGES = "models/intermediate/delivery/int_changes_shipped.sql"
DEPLOYMENTS = "models/intermediate/delivery/int_deployments_unioned.sql"
INCIDENTS = "models/marts/reliability/_incidents__semantic.yml"
FAILURES = "models/intermediate/reliability/int_deployment_failures.sql"
LINKS = "models/intermediate/reliability/int_incident_deployment_links.sql"
DOWNTIME_INCIDENTS = "models/intermediate/reliability/int_downtime_incidents_merged.sql"
SERVICE_DAY_INCIDENTS = "models/marts/semantic/service_day_incidents.sql"
PLANNING = "models/marts/planning/_planning__semantic.yml"
FIX_VERSIONS = "models/intermediate/planning/int_fix_versions_released.sql"
WORK_ITEMS = "models/intermediate/planning/int_work_items_enriched.sql"
WORK_IN_PROGRESS = "models/marts/semantic/daily_work_in_progress.sql"
DONE = 'expr: "case when team_key is not null and done_at is not null '
PERIODS = "models/intermediate/int_periods.sql"
KPI_VALUES = "models/marts/kpis/kpi_values.sql"
SCORECARD = "models/marts/kpis/kpi_scorecard.sql"
BOTTLENECKS = "models/marts/delivery/lead_time_bottlenecks.sql"
MACROS = "macros/aggregates.sql"
PERIODS_MACROS = "macros/periods.sql"

SQL_MUTANTS = (
    # delivery KPIs: their metrics, judged by the hand-computed KPI cases
    Mutant(
        "delivery-lead-time-mean",
        DELIVERY,
        "agg: median\n        " + MERGED + "lead_time_hours",
        "agg: average\n        " + MERGED + "lead_time_hours",
        "median -> mean",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-pr-review-time-mean",
        DELIVERY,
        "agg: median\n        " + MERGED + "hours_to_merge",
        "agg: average\n        " + MERGED + "hours_to_merge",
        "median -> mean",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-pr-size-mean",
        DELIVERY,
        "agg: median\n        " + MERGED + "lines_changed",
        "agg: average\n        " + MERGED + "lines_changed",
        "median -> mean",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-clean-approval-any-commits",
        DELIVERY,
        "and commits_after_first_review = 0 then 1",
        "and commits_after_first_review >= 0 then 1",
        "comparison flip",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-review-coverage-two-approvals",
        DELIVERY,
        "is_merged and approvals >= 1 then 1",
        "is_merged and approvals > 1 then 1",
        "bound shift",
        (KPI_CASES,),
    ),
    Mutant(
        "period-week-starts-sunday",
        PERIODS_MACROS,
        "when 'week' then cast({{ dbt.date_trunc('week', ts) }} as date)",
        "when 'week' then cast({{ dbt.dateadd('day', -1, dbt.date_trunc('week', ts)) }} as date)",
        "period start shifted",
        ("dbt:test_type:unit",),
    ),
    Mutant(
        "period-quarter-as-month",
        PERIODS_MACROS,
        "when 'quarter' then cast({{ dbt.date_trunc('quarter', ts) }} as date)",
        "when 'quarter' then cast({{ dbt.date_trunc('month', ts) }} as date)",
        "wrong grain",
        ("dbt:test_type:unit",),
    ),
    Mutant(
        "delivery-deployment-days-not-distinct",
        DELIVERY,
        "agg: count_distinct\n        expr: case when is_successful_production and team_key "
        "is not null then cast(deployed_at as date) end",
        "agg: count\n        expr: case when is_successful_production and team_key "
        "is not null then cast(deployed_at as date) end",
        "distinct dropped",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-authors-not-distinct",
        SEMANTIC,
        "agg: count_distinct\n        expr: author_key",
        "agg: count\n        expr: author_key",
        "distinct dropped",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-frequency-per-day",
        DELIVERY,
        "expr: production_deployments * 7.0 / calendar_days",
        "expr: production_deployments * 1.0 / calendar_days",
        "unit slip (per day, not per week)",
        (KPI_CASES,),
    ),
    Mutant(
        "delivery-abandoned-counts-merged",
        DELIVERY,
        "closed_at is not null and not is_merged then 1",
        "closed_at is not null then 1",
        "dropped condition",
        (KPI_CASES,),
    ),
    # the compiler of the metrics (macros/metric_values.sql): every KPI
    Mutant(
        "metrics-organisation-only-rows-without-team",
        COMPILER,
        "or teams.rollup_team_key = 'organisation'",
        "or (teams.rollup_team_key = 'organisation' and {{ group.team_expr }} is null)",
        "organisation drops the teams' events",
        (KPI_CASES,),
    ),
    Mutant(
        "metrics-fill-nulls-ignored",
        COMPILER,
        "coalesce({{ column.sql }}, {{ input.fill_nulls_with }})",
        "{{ column.sql }}",
        "measured zero -> null",
        (KPI_CASES,),
    ),
    Mutant(
        "metrics-reported-when-ignored",
        COMPILER,
        "where {{ kpi.columns.reported_when }} > 0",
        "where {{ kpi.columns.sample_size }} > 0",
        "row presence from the wrong metric",
        (KPI_CASES,),
    ),
    Mutant(
        "metrics-percentile-as-median",
        COMPILER,
        "{{ kpibridge.percentile(expr, measure.agg_params.percentile) }}",
        "{{ kpibridge.median(expr) }}",
        "p90 -> p50",
        (KPI_CASES,),
    ),
    Mutant(
        "metrics-period-end-inclusive",
        PERIODS_MACROS,
        "{{ periods }}.period_start = {{ kpibridge.period_start(periods ~ '.grain', ts) }}",
        "{{ periods }}.period_start = {{ kpibridge.period_start(periods ~ '.grain', ts) }}\n"
        "    or {{ periods }}.period_end = cast({{ ts }} as date)",
        "an event at the next period's first instant counts twice",
        (KPI_CASES,),
    ),
    # review timeline and shipping
    Mutant(
        "changes-commits-before-first-review",
        CHANGES,
        "where pull_request_commits.committed_at > review_summary.first_review_at",
        "where pull_request_commits.committed_at < review_summary.first_review_at",
        "comparison flip",
        (_unit("int_changes_shipped"),),
    ),
    Mutant(
        "changes-commits-at-first-review-count",
        CHANGES,
        "where pull_request_commits.committed_at > review_summary.first_review_at",
        "where pull_request_commits.committed_at >= review_summary.first_review_at",
        "< vs <=",
        (_unit("int_changes_shipped"),),
    ),
    Mutant(
        "changes-last-review-not-first",
        CHANGES,
        "min(submitted_at) as first_review_at",
        "max(submitted_at) as first_review_at",
        "first -> last",
        (_unit("int_changes_shipped"),),
    ),
    Mutant(
        "changes-author-review-counts",
        CHANGES,
        "and pull_request_reviews.reviewer_key is distinct from merged.author_key",
        "",
        "dropped condition",
        (_unit("int_changes_shipped"),),
    ),
    Mutant(
        "changes-fallback-deploy-strictly-after-merge",
        CHANGES,
        "        and merged.merged_at <= production.deployed_at\n    where merged.base_ref",
        "        and merged.merged_at < production.deployed_at\n    where merged.base_ref",
        "<= vs <",
        (_unit("int_changes_shipped"),),
    ),
    Mutant(
        "deployments-last-success",
        DEPLOYMENTS,
        "min(case when state = 'success' then created_at end) as first_success_at",
        "max(case when state = 'success' then created_at end) as first_success_at",
        "first -> last",
        (_unit("int_deployments_unioned"),),
    ),
    # reliability
    Mutant(
        "reliability-recovery-mean",
        DELIVERY,
        "agg: median\n        expr: hours_to_recover",
        "agg: average\n        expr: hours_to_recover",
        "median -> mean",
        (KPI_CASES,),
    ),
    Mutant(
        "reliability-mtta-median",
        INCIDENTS,
        "agg: average\n        expr: case when team_key is not null then minutes_to_acknowledge",
        "agg: median\n        expr: case when team_key is not null then minutes_to_acknowledge",
        "mean -> median",
        (KPI_CASES,),
    ),
    Mutant(
        "reliability-recovery-first-resolution",
        FAILURES,
        "max(incidents.resolved_at) as last_resolved_at",
        "min(incidents.resolved_at) as last_resolved_at",
        "last -> first",
        (_unit("int_deployment_failures"),),
    ),
    Mutant(
        "reliability-recovery-keeps-partly-resolved",
        FAILURES,
        # the first of two such conditions: the one that gives the recovery its span
        "when deployment_incidents.resolved_incidents = deployment_incidents.linked_incidents\n"
        "                then {{ kpibridge.hours_between(",
        "when deployment_incidents.resolved_incidents > 0\n"
        "                then {{ kpibridge.hours_between(",
        "condition weakened",
        (_unit("int_deployment_failures"),),
    ),
    Mutant(
        "reliability-mttr-by-created",
        INCIDENTS,
        "agg: average\n        expr: case when team_key is not null then hours_to_resolve end\n"
        "        agg_time_dimension: resolved_at\n",
        "agg: average\n        expr: case when team_key is not null then hours_to_resolve end\n",
        "wrong period timestamp",
        (KPI_CASES,),
    ),
    Mutant(
        "reliability-cfr-counts-unlinked",
        FAILURES,
        "deployment_incidents.deployment_key is not null as is_change_failure",
        "deployment_incidents.deployment_key is null as is_change_failure",
        "condition flip",
        (_unit("int_deployment_failures"),),
    ),
    Mutant(
        "reliability-availability-day-short",
        SEMANTIC,
        "expr: service_days * 1440",
        "expr: (service_days - 1) * 1440",
        "off-by-one period length",
        (KPI_CASES,),
    ),
    Mutant(
        "reliability-downtime-incidents-per-day",
        SEMANTIC,
        "agg: count_distinct\n        expr: service_id || '|' || incident_id",
        "agg: count\n        expr: service_id || '|' || incident_id",
        "distinct -> all",
        (KPI_CASES,),
    ),
    Mutant(
        "reliability-incident-count-sparse",
        INCIDENTS,
        "sample_size: incident_count, reported_when: service_days}",
        "sample_size: incident_count}",
        "dropped zero rows",
        (KPI_CASES,),
    ),
    Mutant(
        "links-window-start-inclusive",
        LINKS,
        "        < production_deployments.deployed_at",
        "        <= production_deployments.deployed_at",
        "window bound < vs <=",
        (_unit("int_incident_deployment_links"),),
    ),
    Mutant(
        "links-deploy-after-incident",
        LINKS,
        "and incidents.created_at >= production_deployments.deployed_at",
        "and incidents.created_at > production_deployments.deployed_at",
        "bound shift >= vs >",
        (_unit("int_incident_deployment_links"),),
    ),
    Mutant(
        "downtime-touching-intervals-split",
        DOWNTIME_INCIDENTS,
        "when previous_max_end is null or incident_start > previous_max_end then 1",
        "when previous_max_end is null or incident_start >= previous_max_end then 1",
        "> vs >=",
        (_unit("int_downtime_incidents_merged"),),
    ),
    Mutant(
        "downtime-day-touching-end",
        SERVICE_DAY_INCIDENTS,
        "and days.day_start < merged_incidents.interval_end",
        "and days.day_start <= merged_incidents.interval_end",
        "< vs <=",
        (_unit("service_day_incidents"),),
    ),
    # planning KPIs: their metrics, judged by the hand-computed KPI cases
    Mutant(
        "planning-cycle-time-mean",
        PLANNING,
        "agg: median\n        " + DONE + 'then cycle_time_days end"',
        "agg: average\n        " + DONE + 'then cycle_time_days end"',
        "median -> mean",
        (KPI_CASES,),
    ),
    Mutant(
        "planning-delay-median",
        PLANNING,
        "agg: average\n        " + DONE + "and is_requirement",
        "agg: median\n        " + DONE + "and is_requirement",
        "mean -> median",
        (KPI_CASES,),
    ),
    Mutant(
        "planning-on-time-strict",
        FIX_VERSIONS,
        "coalesce(cast(version_last_done.last_done_at as date) <= versions.release_date, true)",
        "coalesce(cast(version_last_done.last_done_at as date) < versions.release_date, true)",
        "<= vs <",
        (_unit("int_fix_versions_released"),),
    ),
    Mutant(
        "planning-tech-debt-as-percent",
        PLANNING,
        "expr: 1.0 * tech_debt_done / nullif(tech_debt_created, 0)",
        "expr: 100.0 * tech_debt_done / nullif(tech_debt_created, 0)",
        "unit slip (ratio -> percent)",
        (KPI_CASES,),
    ),
    Mutant(
        "planning-say-do-counts-added",
        PLANNING,
        "then issues_at_start else 0 end",
        "then issues_at_start + issues_added_after_start else 0 end",
        "dropped condition",
        (KPI_CASES,),
    ),
    Mutant(
        "planning-story-points-ignored",
        PLANNING,
        "when pointed_done_items = done_items then done_story_points else done_items end",
        "when false then done_story_points else done_items end",
        "dropped branch",
        (KPI_CASES,),
    ),
    Mutant(
        "planning-person-days-zero-logged",
        SEMANTIC,
        "coalesce(nullif(person_days_logged, 0), nominal_person_days)",
        "coalesce(person_days_logged, nominal_person_days)",
        "fallback skipped (no worklog: zero person-days)",
        (KPI_CASES,),
    ),
    Mutant(
        "planning-wip-end-exclusive",
        WORK_IN_PROGRESS,
        "day_ends.day_end <= status_intervals.valid_to",
        "day_ends.day_end < status_intervals.valid_to",
        "<= vs <",
        (_unit("daily_work_in_progress"),),
    ),
    Mutant(
        "work-items-cycle-from-last-active",
        WORK_ITEMS,
        "min(case when stage = 'active' then valid_from end) as first_active_at",
        "max(case when stage = 'active' then valid_from end) as first_active_at",
        "first -> last",
        (_unit("int_work_items_enriched"),),
    ),
    # periods, kpi_values, scorecard, bottlenecks
    Mutant(
        "periods-complete-needs-margin",
        PERIODS,
        "period_start >= start_date and period_end <= as_of_date as is_complete",
        "period_start >= start_date and period_end < as_of_date as is_complete",
        "off-by-one period",
        (_unit("int_periods"),),
    ),
    Mutant(
        "kpi-values-every-null-is-zero",
        KPI_VALUES,
        "        and zero_without_events\n",
        "",
        "null -> zero",
        (_unit("kpi_values"),),
    ),
    Mutant(
        "kpi-values-zero-denominator-reason",
        KPI_VALUES,
        "when has_row and denominator = 0 then 'denominator is zero'",
        "when has_row and denominator is null then 'denominator is zero'",
        "wrong null reason",
        (_unit("kpi_values"),),
    ),
    Mutant(
        "scorecard-baseline-includes-latest",
        SCORECARD,
        "case when months_back between 2 and {{ var('baseline_months') }} + 1 then value end",
        "case when months_back between 1 and {{ var('baseline_months') }} then value end",
        "off-by-one period",
        (_unit("kpi_scorecard"),),
    ),
    Mutant(
        "scorecard-flat-tolerance-strict",
        SCORECARD,
        "or abs(change_vs_baseline) <= {{ var('trend_flat_tolerance_pct') }}",
        "or abs(change_vs_baseline) < {{ var('trend_flat_tolerance_pct') }}",
        "<= vs <",
        (_unit("kpi_scorecard"),),
    ),
    Mutant(
        "bottlenecks-stage-mean",
        BOTTLENECKS,
        "{{ kpibridge.median('staged_rollup.review_hours') }} as review_hours_p50",
        "avg(staged_rollup.review_hours) as review_hours_p50",
        "median -> mean",
        (_unit("lead_time_bottlenecks"),),
    ),
    Mutant(
        "bottlenecks-smallest-stage",
        BOTTLENECKS,
        "case greatest(",
        "case least(",
        "max -> min",
        (_unit("lead_time_bottlenecks"),),
    ),
    Mutant(
        "deployments-previous-across-repos",
        "models/intermediate/delivery/int_deployments_sequenced.sql",
        "lag(deployment_key) over (partition by repo order by deployed_at, deployment_key)",
        "lag(deployment_key) over (order by deployed_at, deployment_key)",
        "dropped partition",
        (_unit("int_deployments_sequenced"),),
    ),
    Mutant(
        "sprints-say-do-open-sprints",
        "models/marts/planning/sprints.sql",
        "when sprints.is_closed\n",
        "when true\n",
        "dropped condition",
        (_unit("sprints"),),
    ),
    Mutant(
        "dq-null-values-count-as-computed",
        "models/marts/kpis/dq_findings__kpis.sql",
        "max(case when kpi_values.value is not null then 1 else 0 end) as has_value",
        "max(1) as has_value",
        "dropped condition",
        (_unit("dq_findings__kpis"),),
    ),
    Mutant(
        "dq-organisation-needs-sources",
        "models/marts/kpis/dq_findings__kpis.sql",
        "    where not teams.is_organisation\n        and teams.team_key not in",
        "    where teams.team_key not in",
        "dropped condition",
        (_unit("dq_findings__kpis"),),
    ),
    # the shared division macro: every unit test
    Mutant(
        "safe-divide-zero-denominator-is-zero",
        MACROS,
        "(cast({{ numerator }} as double precision) / nullif(cast({{ denominator }} as double "
        "precision), 0))",
        "coalesce(cast({{ numerator }} as double precision) / nullif(cast({{ denominator }} as "
        "double precision), 0), 0)",
        "null -> zero",
        ("dbt:test_type:unit",),
    ),
    Mutant(
        "organisation-rollup-drops-team-rows",
        "macros/rollup.sql",
        "    from {{ relation }}\n    union all\n",
        "    from {{ relation }}\n    where false\n    union all\n",
        "dropped rows",
        (_unit("lead_time_bottlenecks"),),
    ),
)

JIRA = "ingestion/sources/jira.py"
JIRA_PAGES = (
    "pytest:tests/ingestion/test_jira_paginators.py",
    "pytest:tests/ingestion/test_jira_completeness.py"
    "::test_tiny_pages_land_every_record_once_first_run_and_incremental",
)
JIRA_TINY_PAGES = JIRA_PAGES[1]
PAGERDUTY_TINY_PAGES = (
    "pytest:tests/ingestion/test_pagerduty.py::test_tiny_pages_and_split_windows_land_every_record"
)
GITHUB_TINY_PAGES = (
    "pytest:tests/ingestion/test_github_completeness.py"
    "::test_tiny_pages_land_everything_first_and_incremental"
)
APP_FORMAT = "pytest:tests/app/test_format.py"

PYTHON_MUTANTS = (
    Mutant(
        "jira-page-bean-stops-after-first-page",
        JIRA,
        'self._has_next_page = bool(values) and not body.get("isLast", True)',
        "self._has_next_page = False",
        "pagination stop condition",
        JIRA_PAGES,
    ),
    Mutant(
        "jira-page-bean-steps-by-page-size",
        JIRA,
        'self.start_at = int(body.get("startAt", self.start_at)) + len(values)',
        'self.start_at = int(body.get("startAt", self.start_at)) + self.page_size',
        "pagination step (asked, not served)",
        JIRA_PAGES,
    ),
    Mutant(
        "jira-worklogs-drop-first-of-page",
        JIRA,
        'ids = [value["worklogId"] for value in page]',
        'ids = [value["worklogId"] for value in page[1:]]',
        "off-by-one slice",
        (JIRA_TINY_PAGES,),
    ),
    Mutant(
        "jira-worklogs-next-page-skips-until",
        JIRA,
        "self.since_ms = int(until) + (1 if self.is_last else 0)",
        "self.since_ms = int(until) + 1",
        "off-by-one cursor",
        JIRA_PAGES,
    ),
    Mutant(
        "pagerduty-offset-starts-after-first",
        "ingestion/sources/pagerduty.py",
        "OffsetPaginator(limit=self.page_size, total_path=None",
        "OffsetPaginator(offset=1, limit=self.page_size, total_path=None",
        "off-by-one offset",
        (PAGERDUTY_TINY_PAGES,),
    ),
    Mutant(
        "github-graphql-stops-after-first-page",
        "ingestion/sources/github_graphql.py",
        'if not page["pageInfo"]["hasNextPage"]:',
        "if True:",
        "pagination stop condition",
        (GITHUB_TINY_PAGES,),
    ),
    Mutant(
        "github-cursor-loses-ties",
        "ingestion/sources/github.py",
        ' or (r[changed_at] == at and str(r["id"]) not in seen)',
        "",
        "dropped condition (equal times)",
        ("pytest:tests/ingestion/test_github_cursors.py",),
    ),
    Mutant(
        "http-retry-status-raises",
        "ingestion/sources/http.py",
        "if response.status_code in RETRY_STATUSES:",
        "if False:",
        "retry condition dropped",
        (
            "pytest:tests/ingestion/test_resilience.py::test_outage_of_one_api_fails_that_source_only",
        ),
    ),
    Mutant(
        "http-quota-reserve-off-by-one",
        "ingestion/sources/http.py",
        "if remaining > self.quota_reserve or reset <= time.time():",
        "if remaining >= self.quota_reserve or reset <= time.time():",
        "> vs >= (quota wait)",
        (
            "pytest:tests/ingestion/test_quota.py"
            "::test_github_quota_is_paced_with_a_message_naming_source_remaining_and_resume_time",
        ),
    ),
    Mutant(
        "app-null-shown-as-zero",
        "app/format.py",
        '    if is_missing(value):\n        return "no data"\n    prefix, suffix',
        '    if is_missing(value):\n        return "0"\n    prefix, suffix',
        "formatting: NULL -> 0",
        (APP_FORMAT,),
    ),
    Mutant(
        "app-evidence-drops-denominator",
        "app/format.py",
        "template.format(n=format_number(numerator), d=format_number(denominator))",
        "template.format(n=format_number(numerator), d=format_number(numerator))",
        "formatting: wrong evidence",
        (APP_FORMAT,),
    ),
    Mutant(
        "app-number-no-thousands-separator",
        "app/format.py",
        'return f"{int(x):,}"',
        'return f"{int(x)}"',
        "formatting: separator",
        (APP_FORMAT,),
    ),
    Mutant(
        "app-trend-sign-dropped",
        "app/format.py",
        'return f"{relative:+d} % {against} {shown_baseline}"',
        'return f"{abs(relative)} % {against} {shown_baseline}"',
        "formatting: sign",
        (APP_FORMAT,),
    ),
)

INCREMENTAL_EQUALS_FULL = (
    "pytest:tests/models/test_incremental_build.py::test_incremental_build_equals_full_refresh"
)
# the invalidation rules of the incremental models (docs/scaling.md, "Incremental models")
INCREMENTAL_MUTANTS = (
    Mutant(
        "incremental-load-ids-compared-backwards",
        "macros/incremental.sql",
        "where {{ relation }}.dlt_load_id > (",
        "where {{ relation }}.dlt_load_id < (",
        "reversed comparison",
        (INCREMENTAL_EQUALS_FULL,),
    ),
    Mutant(
        "work-items-ignore-moved-release-dates",
        WORK_ITEMS,
        "    union\n    select moved_release_dates.issue_id from moved_release_dates\n",
        "",
        "dropped dependency",
        (INCREMENTAL_EQUALS_FULL,),
    ),
    Mutant(
        "deployments-ignore-default-branch-moves",
        DEPLOYMENTS,
        "        or all_repositories.default_branch is distinct from built_branches.default_branch",
        "",
        "dropped dependency",
        (INCREMENTAL_EQUALS_FULL,),
    ),
    Mutant(
        "deployments-keep-rows-of-emptied-repositories",
        DEPLOYMENTS,
        "    where not exists (\n            select 1 from events\n",
        "    where false and not exists (\n            select 1 from events\n",
        "dropped rows",
        (INCREMENTAL_EQUALS_FULL,),
    ),
    Mutant(
        "changes-ignore-defect-flag-moves",
        CHANGES,
        "    where built_changes.is_defect_fix != coalesce(work_items.is_defect, false)\n",
        "    where false\n",
        "dropped dependency",
        (INCREMENTAL_EQUALS_FULL,),
    ),
    Mutant(
        "changes-ignore-default-branch-moves",
        CHANGES,
        "    where built_changes.default_branch is distinct from "
        "all_pull_requests.default_branch\n",
        "    where false\n",
        "dropped dependency",
        (INCREMENTAL_EQUALS_FULL,),
    ),
)


CATALOGUE = SQL_MUTANTS + PYTHON_MUTANTS + INCREMENTAL_MUTANTS
