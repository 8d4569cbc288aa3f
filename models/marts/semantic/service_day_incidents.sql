-- One row per service, owning team, calendar day and high-urgency incident whose merged
-- downtime interval overlaps the day: counted distinct per service and incident over a
-- period, they are the incidents behind the period's downtime (availability and
-- downtime_cost sample_size), each counted once however many days its outage spans.
with

service_days as (
    select * from {{ ref('service_days') }}
),

merged_incidents as (
    select * from {{ ref('int_downtime_incidents_merged') }}
),

days as (
    select
        service_id,
        team_key,
        calendar_date,
        cast(calendar_date as timestamp) as day_start,
        cast({{ kpibridge.days_after('calendar_date', 1) }} as timestamp) as day_end
    from service_days
    -- the owners' days: a shared service's correction rows have no team
    where team_key is not null
),

final as (
    select
        days.service_id,
        days.team_key,
        days.calendar_date,
        merged_incidents.incident_id
    from days
    inner join merged_incidents
        on days.service_id = merged_incidents.service_id
        and days.day_end > merged_incidents.interval_start
        and days.day_start < merged_incidents.interval_end
)

select * from final
