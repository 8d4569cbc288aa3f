-- The events of priority_defects_per_person_day per team: each high-priority defect at its
-- creation (defects 1) and each worklog on a team's issue at its start (hours_logged).
with

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

worklogs as (
    select * from {{ ref('stg_jira__worklogs') }}
),

team_work_items as (
    select * from work_items
    where team_key is not null
),

defects as (
    select
        team_key,
        created_at as event_at,
        cast(1 as double precision) as defects,
        cast(0 as double precision) as hours_logged
    from team_work_items
    where is_defect
        and is_high_priority
),

logged as (
    select
        team_work_items.team_key,
        worklogs.started_at as event_at,
        cast(0 as double precision) as defects,
        cast(worklogs.time_spent_seconds / 3600.0 as double precision) as hours_logged
    from worklogs
    inner join team_work_items
        on worklogs.issue_id = team_work_items.issue_id
),

final as (
    select * from defects
    union all
    select * from logged
)

select * from final
