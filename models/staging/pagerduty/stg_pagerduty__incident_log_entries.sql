with

source as (
    select * from {{ kpibridge.declared_source('raw_pagerduty', 'incident_log_entries') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as log_entry_id,
        cast(incident__id as {{ dbt.type_string() }}) as incident_id,
        cast(type as {{ dbt.type_string() }}) as log_entry_type,
        cast(channel__type as {{ dbt.type_string() }}) as channel_type,
        cast(channel__summary as {{ dbt.type_string() }}) as channel_summary,
        cast(agent__type as {{ dbt.type_string() }}) as agent_type,
        -- a user agent is a person: pseudonymised; other agents (service, integration) keep ids
        case
            when agent__type like 'user%' then {{ kpibridge.pseudonymise('agent__id') }}
        end as agent_key,
        case
            when agent__type like 'service%' then cast(agent__id as {{ dbt.type_string() }})
        end as agent_service_id,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
