-- Every metric the semantic layer marks as a KPI (a `kpi` block in its meta) is a glossary row
-- with data_needed: kpi_values reports the glossary's KPIs, takes "a metric defines it" to tell
-- "not computed by any model" from "the data gave it nothing to count", and names data_needed
-- to a team that never gets a value. A misspelt metric or a missing data_needed fails here.
{%- set kpi_ids = kpibridge.kpi_metric_names() %}
with

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

kpi_metrics as (
    {%- for kpi_id in kpi_ids %}
        select '{{ kpi_id }}' as kpi_id
        {% if not loop.last %}union all{% endif %}
    {%- else %}
        select cast(null as {{ dbt.type_string() }}) as kpi_id where false
    {%- endfor %}
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
