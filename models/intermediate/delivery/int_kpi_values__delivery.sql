-- Delivery KPIs and signals from GitHub (kpi-catalogue "Time to market" and the GitHub rows of
-- "Quality / predictability", with the Jira defects they need), per team and the
-- organisation, per week, month and quarter.
-- Each event counts in the period its defining timestamp falls in (see each CTE).
with

periods as (
    select * from {{ ref('int_periods') }}
),

deployments as (
    select * from {{ ref('int_deployments_sequenced') }}
),

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_owned') }}
),

issues_delivered as (
    select * from {{ ref('int_issues_delivered') }}
),

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

coverage_reports as (
    select * from {{ ref('int_coverage_reports') }}
),

-- each event of a team, then again for the organisation (macro with_organisation)
team_production_deployments as (
    select
        team_key,
        deployed_at as event_at,
        is_automated,
        is_rework
    from deployments
    where is_successful_production and team_key is not null
),

production_deployments as (
    {{ kpibridge.with_organisation(
        'team_production_deployments', ['event_at', 'is_automated', 'is_rework']) }}
),

team_merged_changes as (
    select
        team_key,
        merged_at as event_at,
        author_key,
        lines_changed,
        is_reviewed,
        approvals,
        first_review_approved,
        commits_after_first_review,
        hours_to_merge as open_to_merge_hours
    from changes
    where team_key is not null
),

merged_changes as (
    {{ kpibridge.with_organisation('team_merged_changes', [
        'event_at', 'author_key', 'lines_changed', 'is_reviewed', 'approvals',
        'first_review_approved', 'commits_after_first_review', 'open_to_merge_hours']) }}
),

team_shipped_changes as (
    select
        team_key,
        deployed_at as event_at,
        lead_time_hours
    from changes
    where team_key is not null and deployed_at is not null
),

shipped_changes as (
    {{ kpibridge.with_organisation('team_shipped_changes', ['event_at', 'lead_time_hours']) }}
),

-- pull requests closed, merged or not, by close time
team_closed_pull_requests as (
    select
        team_key,
        closed_at as event_at,
        merged_at is null as is_abandoned
    from pull_requests
    where closed_at is not null and team_key is not null
),

closed_pull_requests as (
    {{ kpibridge.with_organisation('team_closed_pull_requests', ['event_at', 'is_abandoned']) }}
),

-- Jira issues by the first deployment of the changes that name them
delivered_issues as (
    select
        team_key,
        first_deployed_at as event_at,
        idea_to_production_days,
        last_deployed_at,
        is_feature_flagged,
        rollout_days
    from issues_delivered
    where team_key is not null
),

delivered_issues_rollup as (
    {{ kpibridge.with_organisation('delivered_issues', [
        'event_at', 'idea_to_production_days', 'last_deployed_at', 'is_feature_flagged',
        'rollout_days']) }}
),

-- escaped defects: defect-category issues found in production, by creation time
team_escaped_defects as (
    select
        team_key,
        created_at as event_at
    from work_items
    where is_defect and is_found_in_production and team_key is not null
),

escaped_defects as (
    {{ kpibridge.with_organisation('team_escaped_defects', ['event_at']) }}
),

-- defects named by changes, counted in the period the change merged
defect_links as (
    select distinct
        changes.team_key,
        changes.merged_at as event_at,
        changes.jira_issue_key
    from changes
    inner join work_items
        on changes.jira_issue_key = work_items.issue_key
    where work_items.is_defect and changes.team_key is not null
),

defect_links_rollup as (
    {{ kpibridge.with_organisation('defect_links', ['event_at', 'jira_issue_key']) }}
),

-- per repo and period the latest report, then the mean over the team's repos
latest_coverage as (
    select
        coverage_reports.team_key,
        coverage_reports.repo,
        coverage_reports.coverage_pct,
        periods.grain,
        periods.period_start,
        row_number() over (
            partition by coverage_reports.repo, periods.grain, periods.period_start
            order by coverage_reports.reported_at desc
        ) as recency
    from coverage_reports
    inner join periods
        on {{ kpibridge.in_period('coverage_reports.reported_at') }}
),

latest_coverage_per_repo as (
    select * from latest_coverage
    where recency = 1
),

latest_coverage_rollup as (
    {{ kpibridge.with_organisation(
        'latest_coverage_per_repo', ['repo', 'coverage_pct', 'grain', 'period_start']) }}
),

coverage_kpis as (
    select
        team_key,
        grain,
        period_start,
        avg(coverage_pct) as mean_coverage,
        count(*) as repos
    from latest_coverage_rollup
    group by team_key, grain, period_start
),

escaped_defect_counts as (
    select
        escaped_defects.team_key,
        periods.grain,
        periods.period_start,
        count(*) as escaped_defects
    from escaped_defects
    inner join periods
        on {{ kpibridge.in_period('escaped_defects.event_at') }}
    group by escaped_defects.team_key, periods.grain, periods.period_start
),

linked_defect_counts as (
    select
        defect_links_rollup.team_key,
        periods.grain,
        periods.period_start,
        count(distinct defect_links_rollup.jira_issue_key) as defects
    from defect_links_rollup
    inner join periods
        on {{ kpibridge.in_period('defect_links_rollup.event_at') }}
    group by defect_links_rollup.team_key, periods.grain, periods.period_start
),

deployment_kpis as (
    select
        production_deployments.team_key,
        periods.grain,
        periods.period_start,
        periods.days_in_period,
        count(*) as deployments,
        count(distinct cast(production_deployments.event_at as date)) as deployment_days,
        sum(case when production_deployments.is_automated then 1 else 0 end) as automated,
        sum(case when production_deployments.is_rework then 1 else 0 end) as rework
    from production_deployments
    inner join periods
        on {{ kpibridge.in_period('production_deployments.event_at') }}
    group by
        production_deployments.team_key,
        periods.grain,
        periods.period_start,
        periods.days_in_period
),

merge_kpis as (
    select
        merged_changes.team_key,
        periods.grain,
        periods.period_start,
        periods.days_in_period,
        count(*) as merged,
        count(distinct merged_changes.author_key) as authors,
        sum(case when merged_changes.approvals >= 1 then 1 else 0 end) as approved,
        sum(case when merged_changes.is_reviewed then 1 else 0 end) as reviewed,
        sum(
            case
                when merged_changes.first_review_approved
                    and merged_changes.commits_after_first_review = 0 then 1
                else 0
            end
        ) as approved_clean,
        sum(merged_changes.lines_changed) as lines_changed,
        {{ kpibridge.median('merged_changes.lines_changed') }} as median_lines,
        {{ kpibridge.median('merged_changes.open_to_merge_hours') }} as median_open_hours,
        {{ kpibridge.percentile('merged_changes.open_to_merge_hours', 0.9) }} as p90_open_hours,
        count(merged_changes.open_to_merge_hours) as timed
    from merged_changes
    inner join periods
        on {{ kpibridge.in_period('merged_changes.event_at') }}
    group by
        merged_changes.team_key,
        periods.grain,
        periods.period_start,
        periods.days_in_period
),

lead_time_kpis as (
    select
        shipped_changes.team_key,
        periods.grain,
        periods.period_start,
        count(shipped_changes.lead_time_hours) as changes,
        {{ kpibridge.median('shipped_changes.lead_time_hours') }} as median_hours,
        {{ kpibridge.percentile('shipped_changes.lead_time_hours', 0.9) }} as p90_hours
    from shipped_changes
    inner join periods
        on {{ kpibridge.in_period('shipped_changes.event_at') }}
    group by shipped_changes.team_key, periods.grain, periods.period_start
),

close_kpis as (
    select
        closed_pull_requests.team_key,
        periods.grain,
        periods.period_start,
        count(*) as closed,
        sum(case when closed_pull_requests.is_abandoned then 1 else 0 end) as abandoned
    from closed_pull_requests
    inner join periods
        on {{ kpibridge.in_period('closed_pull_requests.event_at') }}
    group by closed_pull_requests.team_key, periods.grain, periods.period_start
),

issue_kpis as (
    select
        delivered_issues_rollup.team_key,
        periods.grain,
        periods.period_start,
        count(delivered_issues_rollup.idea_to_production_days) as issues,
        {{ kpibridge.median('delivered_issues_rollup.idea_to_production_days') }}
            as median_idea_days,
        {{ kpibridge.percentile('delivered_issues_rollup.idea_to_production_days', 0.9) }}
            as p90_idea_days,
        count(
            case when delivered_issues_rollup.is_feature_flagged then 1 end
        ) as flagged_issues,
        {{ kpibridge.median(
            'case when delivered_issues_rollup.is_feature_flagged '
            ~ 'then delivered_issues_rollup.rollout_days end') }} as median_rollout_days
    from delivered_issues_rollup
    inner join periods
        on {{ kpibridge.in_period('delivered_issues_rollup.event_at') }}
    group by delivered_issues_rollup.team_key, periods.grain, periods.period_start
),

-- union branches take their column names from the first one
-- noqa: disable=AL03,AL08,LT09
kpi_rows as (
    select
        team_key, grain, period_start,
        'deployment_frequency' as kpi_id,
        deployments * 7.0 / days_in_period as value,
        deployments as numerator,
        days_in_period / 7.0 as denominator,
        deployments as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from deployment_kpis
    union all
    select
        team_key, grain, period_start,
        'deployment_days_per_week',
        deployment_days * 7.0 / days_in_period,
        deployment_days,
        days_in_period / 7.0,
        deployments,
        null,
        null
    from deployment_kpis
    union all
    select
        team_key, grain, period_start,
        'automation_coverage',
        100 * {{ kpibridge.safe_divide('automated', 'deployments') }},
        automated,
        deployments,
        deployments,
        null,
        null
    from deployment_kpis
    union all
    select
        team_key, grain, period_start,
        'deployment_rework_rate',
        100 * {{ kpibridge.safe_divide('rework', 'deployments') }},
        rework,
        deployments,
        deployments,
        null,
        null
    from deployment_kpis
    union all
    select
        team_key, grain, period_start,
        'change_lead_time',
        median_hours,
        changes,
        null,
        changes,
        median_hours,
        p90_hours
    from lead_time_kpis
    where changes > 0
    union all
    select
        team_key, grain, period_start,
        'review_coverage',
        100 * {{ kpibridge.safe_divide('approved', 'merged') }},
        approved,
        merged,
        merged,
        null,
        null
    from merge_kpis
    union all
    select
        team_key, grain, period_start,
        'approved_without_rework',
        100 * {{ kpibridge.safe_divide('approved_clean', 'reviewed') }},
        approved_clean,
        reviewed,
        reviewed,
        null,
        null
    from merge_kpis
    union all
    select
        team_key, grain, period_start,
        'pr_size',
        median_lines,
        merged,
        null,
        merged,
        median_lines,
        null
    from merge_kpis
    union all
    select
        team_key, grain, period_start,
        'pr_review_time',
        median_open_hours,
        timed,
        null,
        timed,
        median_open_hours,
        p90_open_hours
    from merge_kpis
    where timed > 0
    union all
    select
        team_key, grain, period_start,
        'merge_request_rate',
        {{ kpibridge.safe_divide('merged * 7.0', 'authors * days_in_period') }},
        merged,
        authors * days_in_period / 7.0,
        merged,
        null,
        null
    from merge_kpis
    union all
    select
        team_key, grain, period_start,
        'pr_abandon_rate',
        100 * {{ kpibridge.safe_divide('abandoned', 'closed') }},
        abandoned,
        closed,
        closed,
        null,
        null
    from close_kpis
    union all
    select
        team_key, grain, period_start,
        'idea_to_production',
        median_idea_days,
        issues,
        null,
        issues,
        median_idea_days,
        p90_idea_days
    from issue_kpis
    where issues > 0
    union all
    select
        team_key, grain, period_start,
        'feature_rollout_time',
        median_rollout_days,
        flagged_issues,
        null,
        flagged_issues,
        median_rollout_days,
        null
    from issue_kpis
    where flagged_issues > 0
    union all
    select
        deployment_kpis.team_key, deployment_kpis.grain, deployment_kpis.period_start,
        'escaped_defect_rate',
        {{ kpibridge.safe_divide('coalesce(escaped_defect_counts.escaped_defects, 0)',
                                 'deployment_kpis.deployments') }},
        coalesce(escaped_defect_counts.escaped_defects, 0),
        deployment_kpis.deployments,
        deployment_kpis.deployments,
        null,
        null
    from deployment_kpis
    left join escaped_defect_counts
        on deployment_kpis.team_key = escaped_defect_counts.team_key
        and deployment_kpis.grain = escaped_defect_counts.grain
        and deployment_kpis.period_start = escaped_defect_counts.period_start
    union all
    select
        merge_kpis.team_key, merge_kpis.grain, merge_kpis.period_start,
        'defect_density',
        {{ kpibridge.safe_divide('coalesce(linked_defect_counts.defects, 0)',
                                 'merge_kpis.lines_changed / 1000.0') }},
        coalesce(linked_defect_counts.defects, 0),
        merge_kpis.lines_changed / 1000.0,
        merge_kpis.merged,
        null,
        null
    from merge_kpis
    left join linked_defect_counts
        on merge_kpis.team_key = linked_defect_counts.team_key
        and merge_kpis.grain = linked_defect_counts.grain
        and merge_kpis.period_start = linked_defect_counts.period_start
    union all
    select
        team_key, grain, period_start,
        'code_coverage',
        mean_coverage,
        null,
        null,
        repos,
        null,
        null
    from coverage_kpis
),

-- noqa: enable=AL03,AL08,LT09
final as (
    select
        {{ kpibridge.kpi_value_columns() }}
    from kpi_rows
)

select * from final
