with

source as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'priorities') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as priority_id,
        cast(name as {{ dbt.type_string() }}) as priority_name,
        cast(description as {{ dbt.type_string() }}) as description,
        cast({{ adapter.quote('order') }} as bigint) as priority_order,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
