-- One row per deployment event (GitHub deployment, release or deployment workflow run), with
-- its result, the previous successful production deployment of its repository and whether it
-- shipped rework (a hotfix or revert change). The deployments mart publishes it; the KPI and
-- incident-link models read it here, so lineage never runs back from a mart.
with

deployments as (
    select * from {{ ref('int_deployments_unioned') }}
),

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

rework as (
    select
        deployment_key,
        count(*) as rework_changes
    from changes
    where is_rework
    group by deployment_key
),

shipped as (
    select
        deployment_key,
        count(*) as changes_shipped
    from changes
    where deployment_key is not null
    group by deployment_key
),

production_sequence as (
    select
        deployment_key,
        lag(sha) over (partition by repo order by deployed_at, deployment_key) as previous_sha,
        lag(deployment_key) over (partition by repo order by deployed_at, deployment_key)
            as previous_deployment_key,
        row_number() over (partition by repo order by deployed_at, deployment_key) = 1
            as is_first_of_repo
    from deployments
    where is_successful_production
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
        production_sequence.previous_deployment_key,
        production_sequence.previous_sha,
        coalesce(production_sequence.is_first_of_repo, false) as is_first_of_repo,
        coalesce(shipped.changes_shipped, 0) as changes_shipped,
        coalesce(rework.rework_changes, 0) > 0 as is_rework
    from deployments
    left join production_sequence
        on deployments.deployment_key = production_sequence.deployment_key
    left join shipped
        on deployments.deployment_key = shipped.deployment_key
    left join rework
        on deployments.deployment_key = rework.deployment_key
)

select * from final
