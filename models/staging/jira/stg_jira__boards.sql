with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'boards') }}
),

renamed as (
    select
        cast(id as bigint) as board_id,
        cast(name as {{ dbt.type_string() }}) as board_name,
        cast(type as {{ dbt.type_string() }}) as board_type,
        -- the board payload need not say where it is located: else the project it was listed for
        cast(coalesce(location__project_key, listed_for_project) as {{ dbt.type_string() }})
            as project_key,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
