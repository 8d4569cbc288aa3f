-- High-urgency incident time per service as non-overlapping intervals: the merged intervals
-- of int_downtime_incidents_merged, one row each with the incidents it merges.
with

merged_incidents as (
    select * from {{ ref('int_downtime_incidents_merged') }}
),

final as (
    select
        service_id,
        interval_number,
        interval_start,
        interval_end,
        count(*) as incident_count
    from merged_incidents
    group by service_id, interval_number, interval_start, interval_end
)

select * from final
