-- The business_outcomes seed with its types: one row per month, team (or 'organisation') and
-- measure. The KPIs, their alignment with outcomes and the infrastructure cost read it here.
with

outcomes as (
    select * from {{ ref('business_outcomes') }}
),

final as (
    select
        cast(month as date) as month_start,
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        cast(measure as {{ dbt.type_string() }}) as measure,
        cast(value as double precision) as outcome_value
    from outcomes
)

select * from final
