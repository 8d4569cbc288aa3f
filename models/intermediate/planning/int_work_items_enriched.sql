-- One row per Jira issue with its team, work category, defect / priority flags and its flow
-- milestones rebuilt from the status intervals:
-- first_active_at = first move into an 'active' stage; done_at = the LAST move into a 'done'
-- stage (from a non-done stage), only while the issue is currently done; times_reopened =
-- done -> not done transitions. A reopened issue is therefore counted once, at its last done.
-- Incremental (docs/scaling.md): a row depends on its issue's own row (labels and fix versions
-- are reloaded with it), its changelog (through the status intervals) and the release dates of
-- the fix versions it names. A build recomputes the issues with issue or changelog rows from
-- loads newer than the newest already built, and those whose fix versions' earliest release
-- date moved (Jira's versions are all reloaded each time, so their load ids say nothing), and
-- replaces them (delete + insert by issue_id).
-- depends_on: {{ ref('stg_jira__changelog_items') }}
{{ config(
    materialized=kpibridge.incremental_where_guarded(),
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    post_hook="{{ kpibridge.delete_vanished('issue_id', ref('stg_jira__issues')) }}"
) }}

with

all_issues as (
    select * from {{ ref('stg_jira__issues') }}
),

all_issue_labels as (
    select * from {{ ref('stg_jira__issue_labels') }}
),

all_issue_fix_versions as (
    select * from {{ ref('stg_jira__issue_fix_versions') }}
),

versions as (
    select * from {{ ref('stg_jira__versions') }}
),

all_status_intervals as (
    select * from {{ ref('int_issue_status_intervals') }}
),

all_fix_version_dates as (
    select
        all_issue_fix_versions.issue_id,
        min(versions.release_date) as fix_version_release_date
    from all_issue_fix_versions
    inner join versions
        on all_issue_fix_versions.version_id = versions.version_id
    group by all_issue_fix_versions.issue_id
),

work_categories as (
    select * from {{ ref('work_categories') }}
),

-- the CTEs only an incremental run needs stay at the indent of the others
-- sqlfluff:indentation:template_blocks_indent:false
{% if is_incremental() %}
changelog_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
),

-- a moved release date changes the issues that name the version
moved_release_dates as (
    select built.issue_id
    from {{ this }} as built
    left join all_fix_version_dates
        on built.issue_id = all_fix_version_dates.issue_id
    where
        built.fix_version_release_date
        is distinct from all_fix_version_dates.fix_version_release_date
),

changed_issues as (
    {{ kpibridge.keys_loaded_since_built('issue_id', ['all_issues', 'changelog_items']) }}
    union
    select moved_release_dates.issue_id from moved_release_dates
),
{%- endif %}

issues as (
    select * from all_issues
    {{ kpibridge.where_changed('issue_id', 'changed_issues') }}
),

issue_labels as (
    select * from all_issue_labels
    {{ kpibridge.where_changed('issue_id', 'changed_issues') }}
),

fix_version_dates as (
    select * from all_fix_version_dates
    {{ kpibridge.where_changed('issue_id', 'changed_issues') }}
),

status_intervals as (
    select * from all_status_intervals
    {{ kpibridge.where_changed('issue_id', 'changed_issues') }}
),

project_teams as (
    {{ kpibridge.source_teams('jira', 'project', 'project_key') }}
),

-- every category an issue matches, by label or by issue type
category_matches as (
    select
        issue_labels.issue_id,
        work_categories.work_category,
        work_categories.precedence
    from issue_labels
    inner join work_categories
        on work_categories.match_type = 'label'
        and issue_labels.label_name = work_categories.match_value
    union all
    select
        issues.issue_id,
        work_categories.work_category,
        work_categories.precedence
    from issues
    inner join work_categories
        on work_categories.match_type = 'issue_type'
        and issues.issue_type = work_categories.match_value
),

-- the lowest precedence number wins
issue_categories as (
    select
        issue_id,
        work_category
    from (
        select
            issue_id,
            work_category,
            row_number() over (
                partition by issue_id
                order by precedence, work_category
            ) as match_rank
        from category_matches
    ) as ranked
    where match_rank = 1
),

production_labels as (
    select distinct issue_id
    from issue_labels
    where label_name in ({{ kpibridge.sql_list(var('found_in_production_labels')) }})
),

-- each interval beside the stage before it
interval_transitions as (
    select
        *,
        lag(stage) over (partition by issue_id order by interval_number) as previous_stage
    from status_intervals
),

flow_milestones as (
    select
        issue_id,
        min(case when stage = 'active' then valid_from end) as first_active_at,
        max(
            case
                when stage = 'done' and coalesce(previous_stage, '') != 'done' then valid_from
            end
        ) as last_done_move_at,
        max(case when is_current then stage end) as current_stage,
        max(case when is_current then status_name end) as current_status_name,
        sum(case when previous_stage = 'done' and stage != 'done' then 1 else 0 end)
            as times_reopened
    from interval_transitions
    group by issue_id
),

with_done as (
    select
        flow_milestones.*,
        case
            when flow_milestones.current_stage = 'done' then flow_milestones.last_done_move_at
        end as done_at
    from flow_milestones
),

-- hours spent in active stages between the first active move and the last done move
active_time as (
    select
        status_intervals.issue_id,
        -- summed in seconds so rounding cannot push flow efficiency above 100%
        sum(
            {{ kpibridge.seconds_between(
                'status_intervals.valid_from', 'status_intervals.valid_to'
            ) }}
        ) / 3600.0 as active_hours
    from status_intervals
    inner join with_done
        on status_intervals.issue_id = with_done.issue_id
    where status_intervals.stage = 'active'
        and status_intervals.valid_from >= with_done.first_active_at
        and status_intervals.valid_to <= with_done.done_at
    group by status_intervals.issue_id
),

joined as (
    select
        issues.issue_id,
        issues.issue_key,
        issues.project_key,
        project_teams.team_key,
        issues.issue_type,
        issues.priority_name,
        issue_categories.work_category,
        issues.status_name,
        coalesce(with_done.current_stage, 'waiting') as stage,  -- noqa: RF04
        issues.story_points,
        issues.created_at,
        issues.resolved_at,
        with_done.first_active_at,
        with_done.done_at,
        coalesce(with_done.times_reopened, 0) as times_reopened,
        active_time.active_hours,
        issues.due_date,
        fix_version_dates.fix_version_release_date,
        production_labels.issue_id is not null as is_found_in_production,
        issues.dlt_load_id as source_load_id
    from issues
    left join project_teams
        on issues.project_key = project_teams.project_key
    left join issue_categories
        on issues.issue_id = issue_categories.issue_id
    left join with_done
        on issues.issue_id = with_done.issue_id
    left join active_time
        on issues.issue_id = active_time.issue_id
    left join fix_version_dates
        on issues.issue_id = fix_version_dates.issue_id
    left join production_labels
        on issues.issue_id = production_labels.issue_id
),

final as (
    select
        issue_id,
        issue_key,
        project_key,
        team_key,
        issue_type,
        priority_name,
        work_category,
        status_name,
        stage,
        coalesce(work_category = 'defect', false)
        or coalesce(issue_type in ({{ kpibridge.sql_list(var('bug_issue_types')) }}), false)
            as is_defect,
        coalesce(priority_name in ({{ kpibridge.sql_list(var('high_priority_names')) }}), false)
            as is_high_priority,
        is_found_in_production,
        coalesce(issue_type in ({{ kpibridge.sql_list(var('requirement_issue_types')) }}), false)
            as is_requirement,
        story_points,
        created_at,
        resolved_at,
        first_active_at,
        done_at,
        times_reopened,
        times_reopened > 0 as was_reopened,
        {{ kpibridge.days_between('first_active_at', 'done_at') }} as cycle_time_days,
        {{ kpibridge.hours_between('first_active_at', 'done_at') }} as cycle_time_hours,
        case when done_at is not null then coalesce(active_hours, 0) end as active_hours,
        due_date,
        fix_version_release_date,
        coalesce(due_date, fix_version_release_date) as target_date,
        case
            when done_at is not null and coalesce(due_date, fix_version_release_date) is not null
                then cast(done_at as date) > coalesce(due_date, fix_version_release_date)
        end as is_done_late,
        case
            when cast(done_at as date) > coalesce(due_date, fix_version_release_date)
                then {{ dbt.datediff(
                    'coalesce(due_date, fix_version_release_date)',
                    'cast(done_at as date)',
                    'day'
                ) }}
        end as days_late,
        source_load_id
    from joined
)

select * from final
