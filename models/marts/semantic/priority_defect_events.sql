-- The events of priority_defects_per_person_day (int_priority_defect_events): high-priority
-- defects at creation, and the person-days logged by worklogs on team issues at their start
-- (hours / var worklog_hours_per_day).
with

events as (
    select * from {{ ref('int_priority_defect_events') }}
),

final as (
    select
        team_key,
        event_at,
        defects,
        hours_logged / {{ var('worklog_hours_per_day') }} as person_days_logged
    from events
)

select * from final
