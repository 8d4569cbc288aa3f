-- Per team and calendar day of the reported periods (team_calendar_days), the issues at the
-- end of the day (the instant the next day starts, so a period's last day is its period_end
-- snapshot, wip in kpi_values) and whether each is in an active stage: the issues in any
-- stage are wip's sample size, so a team-day with none active is a measured zero.
with

calendar_days as (
    select * from {{ ref('team_calendar_days') }}
),

status_intervals as (
    select * from {{ ref('int_issue_status_intervals') }}
),

day_ends as (
    select
        team_key,
        calendar_date,
        cast({{ kpibridge.days_after('calendar_date', 1) }} as timestamp) as day_end
    from calendar_days
),

-- the status interval of each issue of the team that covers the day's end
covering as (
    select
        day_ends.team_key,
        day_ends.calendar_date,
        status_intervals.issue_key,
        status_intervals.stage
    from day_ends
    inner join status_intervals
        on day_ends.team_key = status_intervals.team_key
        and day_ends.day_end > status_intervals.valid_from
        and (day_ends.day_end <= status_intervals.valid_to or status_intervals.valid_to is null)
),

final as (
    select
        team_key,
        calendar_date,
        issue_key,
        case when stage = 'active' then issue_key end as active_issue_key
    from covering
)

select * from final
