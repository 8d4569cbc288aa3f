with

teams as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'incidents__teams') }}
),

incidents as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'incidents') }}
),

joined as (
    select
        cast(incidents.id as {{ dbt.type_string() }}) as incident_id,
        cast(teams.id as {{ dbt.type_string() }}) as team_id,
        cast(teams._dlt_list_idx as bigint) as team_position
    from teams
    inner join incidents
        on teams._dlt_parent_id = incidents._dlt_id
)

select * from joined
