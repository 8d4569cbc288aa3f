with

source as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'incidents') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as incident_id,
        cast(incident_number as bigint) as incident_number,
        cast(incident_key as {{ dbt.type_string() }}) as incident_dedup_key,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(summary as {{ dbt.type_string() }}) as summary,  -- noqa: RF04
        cast(status as {{ dbt.type_string() }}) as status,
        cast(urgency as {{ dbt.type_string() }}) as urgency,
        cast(priority__id as {{ dbt.type_string() }}) as priority_id,
        cast(priority__name as {{ dbt.type_string() }}) as priority_name,
        cast(service__id as {{ dbt.type_string() }}) as service_id,
        cast(service__summary as {{ dbt.type_string() }}) as service_name,
        cast(alert_counts__all as bigint) as alert_count,
        cast(html_url as {{ dbt.type_string() }}) as html_url,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        {{ kpibridge.to_utc('updated_at') }} as updated_at,
        {{ kpibridge.to_utc('resolved_at') }} as resolved_at,
        {{ kpibridge.to_utc('last_status_change_at') }} as last_status_change_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
