-- Jira (planning, quality, investment) KPIs and supporting signals in the KPI long format.
-- Every KPI is first turned into events (team_key, kpi_id, event_at, numerator / denominator
-- contributions, a measure for medians and means), copied to the 'organisation' team, then
-- aggregated per grain and period, so organisation medians are recomputed from all events.
--   jira_cycle_time         median cycle_time_days of issues whose last done move is in the period
--   throughput              count of issues whose last done move is in the period
--   flow_efficiency         sum active hours / sum cycle time hours of those issues x 100
--   bug_recurrence_rate     defects done in the period that were ever reopened / defects done x 100
--   tech_debt_remediation_rate  tech_debt issues done / tech_debt issues created in the period
--   innovation_time         done story points (else issue count) in performance, security,
--                           tech_debt / all done x 100
--   innovation_capacity     same, feature category
--   support_escalations     support-category issues created
--   defect_classification   defects created
--   delay_of_requirements   mean days late of requirement issues done late in the period
--   change_requests_after_deadline  fix version additions after the version's start date,
--                           in the month of the change
--   say_do_ratio            closed sprints ending in the period: issues in at start, still in
--                           and done at the end / issues in at start x 100
--   sprint_scope_added      issues added after the start to closed sprints ending in the period
--   on_time_delivery        released versions with a release date in the period: on time when
--                           no issue of the version was done after the release date x 100
--   priority_defects_per_person_day  high-priority defects created / person-days logged
--                           (worklog hours / worklog_hours_per_day; fallback headcount x
--                           working_days_per_week x days / 7)
--   wip                     issues in an active stage at the period end (snapshot)
{%- set story_point_kpis = {
    'innovation_time': ['performance', 'security', 'tech_debt'],
    'innovation_capacity': ['feature'],
} %}
with

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

status_intervals as (
    select * from {{ ref('int_issue_status_intervals') }}
),

sprint_issues as (
    select * from {{ ref('int_sprint_issues') }}
),

fix_version_changes as (
    select * from {{ ref('int_fix_version_changes') }}
),

released_versions as (
    select * from {{ ref('int_fix_versions_released') }}
),

priority_defect_events as (
    select * from {{ ref('int_priority_defect_events') }}
),

teams as (
    select * from {{ ref('int_teams') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

grains as (
    {% for grain in kpibridge.kpi_grains() %}
        select '{{ grain }}' as grain
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

team_work_items as (
    select * from work_items
    where team_key is not null
),

done_items as (
    select * from team_work_items
    where done_at is not null
),

-- events: numerator / denominator contributions, or a measure for medians and means
events as (
    select
        team_key,
        'jira_cycle_time' as kpi_id,
        done_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cycle_time_days as measure
    from done_items
    where cycle_time_days is not null

    union all
    select
        team_key,
        'throughput' as kpi_id,
        done_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cast(null as double precision) as measure
    from done_items

    union all
    select
        team_key,
        'flow_efficiency' as kpi_id,
        done_at as event_at,
        active_hours as numerator,
        cycle_time_hours as denominator,
        cast(null as double precision) as measure
    from done_items
    where cycle_time_hours is not null

    union all
    select
        team_key,
        'bug_recurrence_rate' as kpi_id,
        done_at as event_at,
        case when was_reopened then 1.0 else 0.0 end as numerator,
        1.0 as denominator,
        cast(null as double precision) as measure
    from done_items
    where is_defect

    union all
    select
        team_key,
        'tech_debt_remediation_rate' as kpi_id,
        done_at as event_at,
        1.0 as numerator,
        0.0 as denominator,
        cast(null as double precision) as measure
    from done_items
    where work_category = 'tech_debt'

    union all
    select
        team_key,
        'tech_debt_remediation_rate' as kpi_id,
        created_at as event_at,
        0.0 as numerator,
        1.0 as denominator,
        cast(null as double precision) as measure
    from team_work_items
    where work_category = 'tech_debt'

    {% for kpi_id, categories in story_point_kpis.items() %}
        union all
        select
            team_key,
            '{{ kpi_id }}' as kpi_id,
            done_at as event_at,
            case when work_category in ({{ kpibridge.sql_list(categories) }}) then 1.0 else 0.0 end
                as numerator,
            1.0 as denominator,
            cast(story_points as double precision) as measure
        from done_items
    {% endfor %}

    union all
    select
        team_key,
        'support_escalations' as kpi_id,
        created_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cast(null as double precision) as measure
    from team_work_items
    where work_category = 'support'

    union all
    select
        team_key,
        'defect_classification' as kpi_id,
        created_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cast(null as double precision) as measure
    from team_work_items
    where is_defect

    union all
    select
        team_key,
        'delay_of_requirements' as kpi_id,
        done_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cast(days_late as double precision) as measure
    from done_items
    where is_requirement
        and days_late is not null

    union all
    select
        team_key,
        'change_requests_after_deadline' as kpi_id,
        changed_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cast(null as double precision) as measure
    from fix_version_changes
    where is_after_deadline
        and team_key is not null

    union all
    select
        team_key,
        'say_do_ratio' as kpi_id,
        sprint_end_at as event_at,
        case when is_committed_and_done then 1.0 else 0.0 end as numerator,
        1.0 as denominator,
        cast(null as double precision) as measure
    from sprint_issues
    where is_sprint_closed
        and in_sprint_at_start
        and team_key is not null

    union all
    select
        team_key,
        'sprint_scope_added' as kpi_id,
        sprint_end_at as event_at,
        1.0 as numerator,
        cast(null as double precision) as denominator,
        cast(null as double precision) as measure
    from sprint_issues
    where is_sprint_closed
        and added_after_start
        and team_key is not null

    union all
    select
        team_key,
        'on_time_delivery' as kpi_id,
        cast(release_date as timestamp) as event_at,
        case when is_on_time then 1.0 else 0.0 end as numerator,
        1.0 as denominator,
        cast(null as double precision) as measure
    from released_versions
),

events_with_organisation as (
    {{ kpibridge.with_organisation(
        'events', ['kpi_id', 'event_at', 'numerator', 'denominator', 'measure']) }}
),

period_events as (
    select
        events_with_organisation.*,
        grains.grain,
        {{ kpibridge.period_start('grains.grain', 'events_with_organisation.event_at') }}
            as period_start
    from events_with_organisation
    cross join grains
),

medians as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        {{ kpibridge.median('measure') }} as value,
        sum(numerator) as numerator,
        cast(null as double precision) as denominator,
        count(*) as sample_size,
        {{ kpibridge.median('measure') }} as value_p50,
        {{ kpibridge.percentile('measure', 0.9) }} as value_p90
    from period_events
    where kpi_id = 'jira_cycle_time'
    group by team_key, kpi_id, grain, period_start
),

means as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        avg(measure) as value,
        sum(numerator) as numerator,
        cast(null as double precision) as denominator,
        count(*) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from period_events
    where kpi_id = 'delay_of_requirements'
    group by team_key, kpi_id, grain, period_start
),

counts as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        sum(numerator) as value,
        sum(numerator) as numerator,
        cast(null as double precision) as denominator,
        count(*) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from period_events
    where kpi_id in (
            'throughput', 'support_escalations', 'defect_classification',
            'change_requests_after_deadline', 'sprint_scope_added'
        )
    group by team_key, kpi_id, grain, period_start
),

ratios as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        case when kpi_id = 'tech_debt_remediation_rate' then 1 else 100 end
        * {{ kpibridge.safe_divide('sum(numerator)', 'sum(denominator)') }} as value,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        count(*) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from period_events
    where kpi_id in (
            'flow_efficiency', 'bug_recurrence_rate', 'tech_debt_remediation_rate',
            'say_do_ratio', 'on_time_delivery'
        )
    group by team_key, kpi_id, grain, period_start
),

-- story points when every done issue of the group has them, else issue counts
story_point_shares as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        case
            when count(measure) = count(*) then sum(numerator * measure)
            else sum(numerator)
        end as numerator,
        case
            when count(measure) = count(*) then sum(measure)
            else sum(denominator)
        end as denominator,
        count(*) as sample_size
    from period_events
    where kpi_id in ({{ kpibridge.sql_list(story_point_kpis.keys() | list) }})
    group by team_key, kpi_id, grain, period_start
),

story_point_ratios as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        100 * {{ kpibridge.safe_divide('numerator', 'denominator') }} as value,
        numerator,
        denominator,
        sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from story_point_shares
),

-- priority defects per person-day: defects by creation, person-days by worklog start
priority_defect_events_with_organisation as (
    {{ kpibridge.with_organisation(
        'priority_defect_events', ['event_at', 'defects', 'hours_logged']) }}
),

priority_defect_periods as (
    select
        priority_defect_events_with_organisation.team_key,
        grains.grain,
        {{ kpibridge.period_start(
            'grains.grain', 'priority_defect_events_with_organisation.event_at'
        ) }} as period_start,
        sum(priority_defect_events_with_organisation.defects) as defects,
        sum(priority_defect_events_with_organisation.hours_logged)
        / {{ var('worklog_hours_per_day') }} as person_days_logged,
        count(*) as sample_size
    from priority_defect_events_with_organisation
    cross join grains
    group by
        priority_defect_events_with_organisation.team_key,
        grains.grain,
        {{ kpibridge.period_start(
            'grains.grain', 'priority_defect_events_with_organisation.event_at'
        ) }}
),

priority_defects_per_person_day as (
    select
        priority_defect_periods.team_key,
        'priority_defects_per_person_day' as kpi_id,
        priority_defect_periods.grain,
        priority_defect_periods.period_start,
        {{ kpibridge.safe_divide(
            'priority_defect_periods.defects',
            'coalesce(nullif(priority_defect_periods.person_days_logged, 0), '
            ~ 'teams.headcount * ' ~ var('working_days_per_week')
            ~ ' * periods.days_in_period / 7.0)'
        ) }} as value,
        priority_defect_periods.defects as numerator,
        coalesce(
            nullif(priority_defect_periods.person_days_logged, 0),
            teams.headcount * {{ var('working_days_per_week') }} * periods.days_in_period / 7.0
        ) as denominator,
        priority_defect_periods.sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from priority_defect_periods
    left join teams
        on priority_defect_periods.team_key = teams.team_key
    left join periods
        on priority_defect_periods.grain = periods.grain
        and priority_defect_periods.period_start = periods.period_start
),

-- wip: issues whose status interval covering the period end is in an active stage
team_intervals as (
    select * from status_intervals
    where team_key is not null
),

intervals_with_organisation as (
    {{ kpibridge.with_organisation(
        'team_intervals', ['issue_id', 'stage', 'valid_from', 'valid_to']) }}
),

period_snapshots as (
    select
        intervals_with_organisation.team_key,
        periods.grain,
        periods.period_start,
        count(distinct intervals_with_organisation.issue_id) as issues_existing,
        count(distinct case
            when intervals_with_organisation.stage = 'active'
                then intervals_with_organisation.issue_id
        end) as issues_active
    from periods
    inner join intervals_with_organisation
        on intervals_with_organisation.valid_from < cast(periods.period_end as timestamp)
        and (
            intervals_with_organisation.valid_to >= cast(periods.period_end as timestamp)
            or intervals_with_organisation.valid_to is null
        )
    group by intervals_with_organisation.team_key, periods.grain, periods.period_start
),

wip as (
    select
        team_key,
        'wip' as kpi_id,
        grain,
        period_start,
        cast(issues_active as double precision) as value,
        cast(issues_active as double precision) as numerator,
        cast(null as double precision) as denominator,
        issues_existing as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from period_snapshots
),

unioned as (
    select * from medians
    union all
    select * from means
    union all
    select * from counts
    union all
    select * from ratios
    union all
    select * from story_point_ratios
    union all
    select * from priority_defects_per_person_day
    union all
    select * from wip
),

final as (
    select
        {{ kpibridge.kpi_value_columns() }}
    from unioned
)

select * from final
