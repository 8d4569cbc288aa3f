-- One row per high-urgency incident of a service with the merged downtime interval it falls
-- in: the incidents' [created_at, resolved_at) intervals, overlapping ones merged (gaps and
-- islands), so two incidents open at the same time count as one outage, never twice.
-- An unresolved incident is down until the last period end of int_periods; an incident
-- resolved before it was created (negative span, a data error) is left out.
with

incidents as (
    select * from {{ ref('int_incidents_enriched') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

open_end as (
    select cast(max(period_end) as timestamp) as open_until from periods
),

incident_intervals as (
    select
        incidents.service_id,
        incidents.incident_id,
        incidents.created_at as incident_start,
        coalesce(incidents.resolved_at, open_end.open_until) as incident_end
    from incidents
    cross join open_end
    where incidents.is_high_urgency
        and (incidents.resolved_at is null or incidents.resolved_at >= incidents.created_at)
),

-- latest end among the service's earlier intervals (ordered by start)
with_previous_end as (
    select
        *,
        max(incident_end) over (
            partition by service_id
            order by incident_start, incident_end, incident_id
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end
    from incident_intervals
),

island_starts as (
    select
        *,
        case
            when previous_max_end is null or incident_start > previous_max_end then 1
            else 0
        end as is_island_start
    from with_previous_end
),

islands as (
    select
        *,
        sum(is_island_start) over (
            partition by service_id
            order by incident_start, incident_end, incident_id
            rows between unbounded preceding and current row
        ) as interval_number
    from island_starts
),

final as (
    select
        service_id,
        incident_id,
        interval_number,
        min(incident_start) over (partition by service_id, interval_number) as interval_start,
        max(incident_end) over (partition by service_id, interval_number) as interval_end
    from islands
)

select * from final
