{{ config(alias="kpi_glossary") }}

-- The glossary seed as a contracted mart, so BI tools and the app never read seeds directly.
-- Table kpi_glossary in the marts schema; the model name differs because the seed has that name.
with

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

final as (
    select
        kpi_id,
        name,
        kind,
        measure_type,
        business_goal,
        process,
        definition,
        formula,
        unit,
        direction,
        aggregation,
        indicator,
        decision_question,
        default_owner_role,
        sources,
        benchmark_method,
        dora_metric,
        config_vars
    from glossary
)

select * from final
