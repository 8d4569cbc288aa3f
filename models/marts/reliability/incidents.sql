-- One row per PagerDuty incident, team level (no person keys): response spans and the
-- production deployment it is linked to (catalogue "Failed deployment" link rules).
with

incidents as (
    select * from {{ ref('int_incidents_enriched') }}
),

links as (
    select * from {{ ref('int_incident_deployment_links') }}
),

pages as (
    select
        incident_id,
        html_url
    from {{ ref('stg_pagerduty__incidents') }}
),

final as (
    select
        incidents.incident_id,
        incidents.incident_number,
        incidents.team_key,
        incidents.service_id,
        incidents.urgency,
        incidents.priority_name,
        incidents.status,
        incidents.created_at,
        incidents.acknowledged_at,
        incidents.resolved_at,
        {{ kpibridge.minutes_between('incidents.created_at', 'incidents.acknowledged_at') }}
            as minutes_to_acknowledge,
        {{ kpibridge.hours_between('incidents.created_at', 'incidents.resolved_at') }}
            as hours_to_resolve,
        links.deployment_key as linked_deployment_key,
        links.link_rule,
        links.hours_from_deploy,
        pages.html_url
    from incidents
    left join links
        on incidents.incident_id = links.incident_id
    left join pages
        on incidents.incident_id = pages.incident_id
)

select * from final
