-- The teams KPIs are reported for, plus the company-wide rollup 'organisation'.
with

teams as (
    select * from {{ ref('teams') }}
),

team_rows as (
    select
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(product as {{ dbt.type_string() }}) as product,
        cast(headcount as integer) as headcount,
        false as is_organisation
    from teams
),

organisation as (
    select
        'organisation' as team_key,
        'Organisation' as team_name,
        cast(null as {{ dbt.type_string() }}) as product,
        cast(sum(headcount) as integer) as headcount,
        true as is_organisation
    from team_rows
),

final as (
    select * from team_rows
    union all
    select * from organisation
)

select * from final
