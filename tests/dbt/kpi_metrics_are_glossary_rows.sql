-- Every metric the semantic layer marks as a KPI (a `kpi` block in its meta) is a glossary row
-- with data_needed: kpi_values reports the glossary's KPIs, takes "a metric defines it" to tell
-- "not computed by any model" from "the data gave it nothing to count", and names data_needed
-- to a team that never gets a value. A misspelt metric or a missing data_needed fails here.
with

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

kpi_metrics as (
    select * from {{ ref('kpi_metric_definitions') }}
),

final as (
    select
        kpi_metrics.kpi_id,
        case
            when glossary.kpi_id is null then 'a KPI metric without a glossary row'
            else 'a KPI metric whose glossary row has no data_needed'
        end as problem
    from kpi_metrics
    left join glossary
        on kpi_metrics.kpi_id = glossary.kpi_id
    where glossary.kpi_id is null or glossary.data_needed is null
)

select * from final
