-- One row per issue x status interval, rebuilt from the changelog: the status the issue was
-- created in (the first status change's from_string, else the current status) from created_at,
-- then every status change (to_string) until the next one. valid_to null = the current status.
-- Incremental on DuckDB (docs/scaling.md): an issue's intervals depend on its own issue and
-- changelog rows only, so a build recomputes the issues with rows from loads newer than the
-- newest already built and replaces them whole (delete + insert by issue_id).
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

all_changelog_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
),

-- the CTE only an incremental run needs stays at the indent of the others
-- sqlfluff:indentation:template_blocks_indent:false
{% if is_incremental() %}
changed_issues as (
    {{ kpibridge.keys_loaded_since_built('issue_id', ['all_issues', 'all_changelog_items']) }}
),
{%- endif %}

issues as (
    select * from all_issues
    {{ kpibridge.where_changed('issue_id', 'changed_issues') }}
),

changelog_items as (
    select * from all_changelog_items
    {{ kpibridge.where_changed('issue_id', 'changed_issues') }}
),

status_stages as (
    select * from {{ ref('jira_status_stages') }}
),

project_teams as (
    {{ kpibridge.source_teams('jira', 'project', 'project_key') }}
),

status_changes as (
    select
        issue_id,
        changed_at,
        from_string,
        to_string,
        row_number() over (
            partition by issue_id
            order by changed_at, changelog_id, item_position
        ) as change_number
    from changelog_items
    where field = 'status'
),

initial_statuses as (
    select
        issues.issue_id,
        0 as interval_number,
        coalesce(first_changes.from_string, issues.status_name) as status_name,
        issues.created_at as valid_from
    from issues
    left join status_changes as first_changes
        on issues.issue_id = first_changes.issue_id
        and first_changes.change_number = 1
),

later_statuses as (
    select
        issue_id,
        change_number as interval_number,
        to_string as status_name,
        changed_at as valid_from
    from status_changes
),

all_statuses as (
    select * from initial_statuses
    union all
    select * from later_statuses
),

with_valid_to as (
    select
        *,
        lead(valid_from) over (
            partition by issue_id
            order by interval_number
        ) as valid_to
    from all_statuses
),

final as (
    select
        {{ dbt.concat([
            'with_valid_to.issue_id', "'-'",
            'cast(with_valid_to.interval_number as ' ~ dbt.type_string() ~ ')'
        ]) }} as status_interval_id,
        with_valid_to.issue_id,
        issues.issue_key,
        issues.project_key,
        project_teams.team_key,
        with_valid_to.interval_number,
        with_valid_to.status_name,
        coalesce(status_stages.stage, 'waiting') as stage,  -- noqa: RF04
        with_valid_to.valid_from,
        with_valid_to.valid_to,
        with_valid_to.valid_to is null as is_current,
        {{ kpibridge.hours_between('with_valid_to.valid_from', 'with_valid_to.valid_to') }}
            as hours_in_status,
        issues.dlt_load_id as source_load_id
    from with_valid_to
    inner join issues
        on with_valid_to.issue_id = issues.issue_id
    left join status_stages
        on with_valid_to.status_name = status_stages.status_name
    left join project_teams
        on issues.project_key = project_teams.project_key
)

select * from final
