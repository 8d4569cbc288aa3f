-- One row per PagerDuty incident with its team (service_catalog), urgency class and
-- first acknowledgement (the incident record only keeps the last status change).
-- Incremental on DuckDB (docs/scaling.md): a row depends on its own incident and log entries
-- only, so a build recomputes the incidents with rows from loads newer than the newest already
-- built and replaces them (delete + insert by incident_id).
{{ config(
    materialized=kpibridge.incremental_where_guarded(),
    unique_key='incident_id',
    incremental_strategy='delete+insert',
    post_hook="{{ kpibridge.delete_vanished('incident_id', ref('stg_pagerduty__incidents')) }}"
) }}

with

all_incidents as (
    select * from {{ ref('stg_pagerduty__incidents') }}
),

all_log_entries as (
    select * from {{ ref('stg_pagerduty__incident_log_entries') }}
),

-- the CTE only an incremental run needs stays at the indent of the others
-- sqlfluff:indentation:template_blocks_indent:false
{% if is_incremental() %}
changed_incidents as (
    {{ kpibridge.keys_loaded_since_built('incident_id', ['all_incidents', 'all_log_entries']) }}
),
{%- endif %}

incidents as (
    select * from all_incidents
    {{ kpibridge.where_changed('incident_id', 'changed_incidents') }}
),

log_entries as (
    select * from all_log_entries
    {{ kpibridge.where_changed('incident_id', 'changed_incidents') }}
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
        incidents.status,
        incidents.dlt_load_id as source_load_id
    from incidents
    left join service_teams
        on incidents.service_id = service_teams.service_id
    left join first_acknowledgements
        on incidents.incident_id = first_acknowledgements.incident_id
)

select * from final
