with

source as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'services') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as service_id,
        cast(name as {{ dbt.type_string() }}) as service_name,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(escalation_policy__id as {{ dbt.type_string() }}) as escalation_policy_id,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
