-- One row per PagerDuty incident with its team (service_catalog), urgency class and
-- first acknowledgement (the incident record only keeps the last status change).
with

incidents as (
    select * from {{ ref('stg_pagerduty__incidents') }}
),

log_entries as (
    select * from {{ ref('stg_pagerduty__incident_log_entries') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

-- service_catalog has one row per service x repo: one row per service x team here
service_teams as (
    select distinct
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        cast(team_key as {{ dbt.type_string() }}) as team_key
    from service_catalog
),

first_acknowledgements as (
    select
        incident_id,
        min(created_at) as acknowledged_at
    from log_entries
    where log_entry_type = 'acknowledge_log_entry'
    group by incident_id
),

final as (
    select
        incidents.incident_id,
        incidents.incident_number,
        service_teams.team_key,
        incidents.service_id,
        incidents.urgency,
        incidents.priority_name,
        coalesce(
            incidents.urgency in ({{ kpibridge.sql_list(var('high_urgency_values')) }}),
            false
        ) as is_high_urgency,
        incidents.created_at,
        first_acknowledgements.acknowledged_at,
        incidents.resolved_at,
        incidents.title,
        incidents.description,
        incidents.status
    from incidents
    left join service_teams
        on incidents.service_id = service_teams.service_id
    left join first_acknowledgements
        on incidents.incident_id = first_acknowledgements.incident_id
)

select * from final
