with

teams as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'services__teams') }}
),

services as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'services') }}
),

joined as (
    select
        cast(services.id as {{ dbt.type_string() }}) as service_id,
        cast(teams.id as {{ dbt.type_string() }}) as team_id,
        cast(teams._dlt_list_idx as bigint) as team_position
    from teams
    inner join services
        on teams._dlt_parent_id = services._dlt_id
)

select * from joined
