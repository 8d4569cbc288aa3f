-- One row per deployment event (int_deployments_sequenced) with whether it failed
-- (int_deployment_failures) and its commit's page on GitHub.
with

deployments as (
    select * from {{ ref('int_deployments_sequenced') }}
),

failures as (
    select * from {{ ref('int_deployment_failures') }}
),

repositories as (
    select
        repo,
        html_url
    from {{ ref('stg_github__repositories') }}
),

final as (
    select
        deployments.deployment_key,
        deployments.deployment_id,
        deployments.deployment_source,
        deployments.repo,
        deployments.team_key,
        deployments.environment,
        deployments.sha,
        deployments.created_at,
        deployments.deployed_at,
        deployments.result,
        deployments.is_production,
        deployments.is_successful_production,
        deployments.is_automated,
        deployments.previous_deployment_key,
        deployments.previous_sha,
        deployments.is_first_of_repo,
        deployments.changes_shipped,
        deployments.is_rework,
        failures.is_change_failure,
        failures.is_recovered,
        failures.hours_to_recover,
        repositories.html_url || '/commit/' || deployments.sha as html_url
    from deployments
    left join failures
        on deployments.deployment_key = failures.deployment_key
    left join repositories
        on deployments.repo = repositories.repo
)

select * from final
