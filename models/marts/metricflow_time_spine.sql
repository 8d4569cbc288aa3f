-- One row per day for MetricFlow (the semantic layer's time joins); kpi_values does not read it.
with

days as (
    {{ dbt.date_spine('day', "cast('2015-01-01' as date)", "cast('2040-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
