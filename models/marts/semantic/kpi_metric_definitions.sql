-- One row per KPI metric of the semantic layer (a metric with a `kpi` block in its meta) and
-- the metrics that give kpi_values' evidence columns (macros/metric_values.sql): what
-- kpi_values reads to tell "no metric defines this glossary KPI" from "no events".
with

definitions as (
    {{ kpibridge.kpi_metric_definitions() }}
),

final as (
    select * from definitions
)

select * from final
