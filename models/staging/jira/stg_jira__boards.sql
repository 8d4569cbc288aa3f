with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'boards') }}
),

renamed as (
    select
        cast(id as bigint) as board_id,
        cast(name as {{ dbt.type_string() }}) as board_name,
        cast(type as {{ dbt.type_string() }}) as board_type,
        cast(location__project_key as {{ dbt.type_string() }}) as project_key,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
