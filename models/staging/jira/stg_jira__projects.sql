with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'projects') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as project_id,
        cast(key as {{ dbt.type_string() }}) as project_key,
        cast(name as {{ dbt.type_string() }}) as project_name,
        cast(project_type_key as {{ dbt.type_string() }}) as project_type_key,
        cast(style as {{ dbt.type_string() }}) as project_style,
        cast(simplified as boolean) as is_simplified,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
