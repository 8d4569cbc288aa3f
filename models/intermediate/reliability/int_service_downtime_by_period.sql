-- Merged high-urgency downtime per service and period (week, month, quarter of int_periods):
-- each merged interval is clipped to the period bounds, so an outage crossing midnight of a
-- period boundary counts in both periods with its own minutes. Downtime cost uses the
-- service's downtime_cost_per_hour (service_catalog repeats it per repo: taken once).
with

intervals as (
    select * from {{ ref('int_service_downtime_intervals') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

services as (
    select
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        max(cast(downtime_cost_per_hour as double precision)) as downtime_cost_per_hour
    from service_catalog
    group by cast(service_id as {{ dbt.type_string() }})
),

clipped as (
    select
        intervals.service_id,
        periods.grain,
        periods.period_start,
        periods.days_in_period,
        intervals.incident_count,
        greatest(intervals.interval_start, cast(periods.period_start as timestamp))
            as clipped_start,
        least(intervals.interval_end, cast(periods.period_end as timestamp)) as clipped_end
    from intervals
    inner join periods
        on intervals.interval_start < cast(periods.period_end as timestamp)
        and intervals.interval_end > cast(periods.period_start as timestamp)
),

by_period as (
    select
        service_id,
        grain,
        period_start,
        days_in_period,
        sum({{ kpibridge.minutes_between('clipped_start', 'clipped_end') }}) as downtime_minutes,
        sum(incident_count) as incident_count
    from clipped
    group by service_id, grain, period_start, days_in_period
),

final as (
    select
        by_period.service_id,
        by_period.grain,
        by_period.period_start,
        by_period.days_in_period,
        by_period.downtime_minutes,
        by_period.incident_count,
        services.downtime_cost_per_hour,
        by_period.downtime_minutes / 60.0 * services.downtime_cost_per_hour as downtime_cost
    from by_period
    left join services
        on by_period.service_id = services.service_id
)

select * from final
