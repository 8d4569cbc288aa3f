with

source as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'teams') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as team_id,
        cast(name as {{ dbt.type_string() }}) as team_name,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
