-- One row per successful production deployment of a team with an incident source (a
-- PagerDuty service in service_catalog; without one a deployment cannot be seen to fail):
-- whether an incident is linked to it (change_failure_rate) and, once every linked incident
-- is resolved, the hours from deployment to the last resolution
-- (failed_deployment_recovery_time).
with

deployments as (
    select * from {{ ref('int_deployments_sequenced') }}
),

links as (
    select * from {{ ref('int_incident_deployment_links') }}
),

incidents as (
    select * from {{ ref('int_incidents_enriched') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

incident_source_teams as (
    select distinct cast(team_key as {{ dbt.type_string() }}) as team_key
    from service_catalog
),

deployment_incidents as (
    select
        links.deployment_key,
        count(*) as linked_incidents,
        count(incidents.resolved_at) as resolved_incidents,
        max(incidents.resolved_at) as last_resolved_at
    from links
    inner join incidents
        on links.incident_id = incidents.incident_id
    group by links.deployment_key
),

final as (
    select
        deployments.deployment_key,
        deployments.team_key,
        deployments.deployed_at,
        coalesce(deployment_incidents.linked_incidents, 0) as linked_incidents,
        deployment_incidents.deployment_key is not null as is_change_failure,
        deployment_incidents.resolved_incidents = deployment_incidents.linked_incidents
            as is_recovered,
        case
            when deployment_incidents.resolved_incidents = deployment_incidents.linked_incidents
                then {{ kpibridge.hours_between(
                    'deployments.deployed_at', 'deployment_incidents.last_resolved_at') }}
        end as hours_to_recover
    from deployments
    inner join incident_source_teams
        on deployments.team_key = incident_source_teams.team_key
    left join deployment_incidents
        on deployments.deployment_key = deployment_incidents.deployment_key
    where deployments.is_successful_production
        and deployments.deployed_at is not null
)

select * from final
