-- One row per service, owning team and calendar day of the reported periods, with the merged
-- high-urgency downtime (int_service_downtime_intervals) clipped to the day and its cost:
-- summed over a week, month or quarter they are its downtime, and the rows count the
-- service-days availability divides by.
with

calendar_days as (
    select * from {{ ref('team_calendar_days') }}
),

intervals as (
    select * from {{ ref('int_service_downtime_intervals') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

-- service_catalog has one row per service x repo, repeating the cost per hour: taken once
service_costs as (
    select
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        max(cast(downtime_cost_per_hour as double precision)) as downtime_cost_per_hour
    from service_catalog
    group by cast(service_id as {{ dbt.type_string() }})
),

service_teams as (
    select distinct
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        cast(team_key as {{ dbt.type_string() }}) as team_key
    from service_catalog
),

days as (
    select
        service_teams.service_id,
        service_teams.team_key,
        calendar_days.calendar_date,
        cast(calendar_days.calendar_date as timestamp) as day_start,
        cast({{ kpibridge.days_after('calendar_days.calendar_date', 1) }} as timestamp) as day_end
    from service_teams
    inner join calendar_days
        on service_teams.team_key = calendar_days.team_key
),

day_downtime as (
    select
        days.service_id,
        days.team_key,
        days.calendar_date,
        sum({{ kpibridge.minutes_between(
            'greatest(intervals.interval_start, days.day_start)',
            'least(intervals.interval_end, days.day_end)') }}) as downtime_minutes
    from days
    inner join intervals
        on days.service_id = intervals.service_id
        and days.day_end > intervals.interval_start
        and days.day_start < intervals.interval_end
    group by days.service_id, days.team_key, days.calendar_date
),

team_rows as (
    select
        days.service_id,
        days.team_key,
        days.calendar_date,
        coalesce(day_downtime.downtime_minutes, 0) as downtime_minutes,
        coalesce(day_downtime.downtime_minutes, 0) / 60.0 * service_costs.downtime_cost_per_hour
            as downtime_cost
    from days
    left join day_downtime
        on days.service_id = day_downtime.service_id
        and days.team_key = day_downtime.team_key
        and days.calendar_date = day_downtime.calendar_date
    left join service_costs
        on days.service_id = service_costs.service_id
),

-- a service owned by n teams is down in each team's rows, and the organisation (every row)
-- counts it once: one row without a team takes back the n - 1 extra copies of the day
shared_service_days as (
    select
        service_id,
        calendar_date,
        count(*) - 1 as extra_copies,
        max(downtime_minutes) as downtime_minutes,
        max(downtime_cost) as downtime_cost
    from team_rows
    group by service_id, calendar_date
    having count(*) > 1
),

organisation_corrections as (
    select
        service_id,
        cast(null as {{ dbt.type_string() }}) as team_key,
        calendar_date,
        -- 0 - x, not -x: no -0.0 on a day without downtime
        0 - extra_copies * downtime_minutes as downtime_minutes,
        0 - extra_copies * downtime_cost as downtime_cost
    from shared_service_days
),

final as (
    select * from team_rows
    union all
    select * from organisation_corrections
)

select * from final
