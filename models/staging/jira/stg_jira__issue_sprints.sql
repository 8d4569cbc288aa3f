-- The issue's sprint field (customfield_10020): every sprint the issue has been in.
with

sprints as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues__fields__customfield_10020') }}
),

issues as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues') }}
),

joined as (
    select
        cast(issues.id as {{ dbt.type_string() }}) as issue_id,
        cast(issues.key as {{ dbt.type_string() }}) as issue_key,
        cast(sprints.id as bigint) as sprint_id,
        cast(sprints.board_id as bigint) as board_id,
        cast(sprints.origin_board_id as bigint) as origin_board_id,
        cast(sprints.name as {{ dbt.type_string() }}) as sprint_name,
        cast(sprints.state as {{ dbt.type_string() }}) as sprint_state,
        {{ kpibridge.to_utc('sprints.start_date') }} as start_at,
        {{ kpibridge.to_utc('sprints.end_date') }} as end_at,
        {{ kpibridge.to_utc('sprints.complete_date') }} as complete_at,
        cast(sprints._dlt_list_idx as bigint) as sprint_position
    from sprints
    inner join issues
        on sprints._dlt_parent_id = issues._dlt_id
)

select * from joined
