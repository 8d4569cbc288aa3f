-- Every deployment event of every repository, from the source its team_sources row names:
-- GitHub deployments (result from the status history, time of the first success), published
-- releases, or successful runs of the deployment workflows on the default branch.
{#- environments compare lower-cased: `PRODUCTION` is `production` (as in ingestion) #}
{%- set production = kpibridge.sql_list(var('production_environments') | map('lower') | list) %}
{%- set workflows = kpibridge.sql_list(var('deployment_workflows')) %}
with

deployments as (
    select * from {{ ref('stg_github__deployments') }}
),

deployment_statuses as (
    select * from {{ ref('stg_github__deployment_statuses') }}
),

releases as (
    select * from {{ ref('stg_github__releases') }}
),

workflow_runs as (
    select * from {{ ref('stg_github__workflow_runs') }}
),

repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

team_sources as (
    select * from {{ ref('team_sources') }}
),

repo_teams as (
    select
        {{ kpibridge.repo_key('source_key') }} as repo_key,
        team_key,
        coalesce(nullif(deployment_source, ''), 'deployments') as deployment_source
    from team_sources
    where source_system = 'github' and source_kind = 'repo'
),

-- repositories nobody mapped still deploy through GitHub deployments
repo_settings as (
    select
        repositories.repo,
        repositories.default_branch,
        repo_teams.team_key,
        coalesce(repo_teams.deployment_source, 'deployments') as deployment_source
    from repositories
    left join repo_teams
        on {{ kpibridge.repo_key('repositories.repo') }} = repo_teams.repo_key
),

status_history as (
    select
        deployment_id,
        min(case when state = 'success' then created_at end) as first_success_at,
        count(*) as status_count
    from deployment_statuses
    group by deployment_id
),

latest_status as (
    select
        deployment_id,
        state,
        row_number() over (
            partition by deployment_id order by created_at desc, deployment_status_id desc
        ) as recency
    from deployment_statuses
),

from_deployments as (
    select
        'deployment:' || cast(deployments.deployment_id as {{ dbt.type_string() }})
            as deployment_key,
        deployments.deployment_id,
        'deployments' as deployment_source,
        deployments.repo,
        repo_settings.team_key,
        lower(deployments.environment) as environment,
        deployments.sha,
        deployments.ref as git_ref,  -- noqa: RF04
        deployments.created_at,
        status_history.first_success_at as deployed_at,
        coalesce(latest_status.state, 'no_status') as result,
        deployments.is_created_by_app_or_bot as is_automated
    from deployments
    inner join repo_settings
        on deployments.repo = repo_settings.repo
    left join status_history
        on deployments.deployment_id = status_history.deployment_id
    left join latest_status
        on deployments.deployment_id = latest_status.deployment_id
        and latest_status.recency = 1
    where repo_settings.deployment_source = 'deployments'
),

from_releases as (
    select
        'release:' || cast(releases.release_id as {{ dbt.type_string() }}) as deployment_key,
        cast(null as bigint) as deployment_id,
        'releases' as deployment_source,
        releases.repo,
        repo_settings.team_key,
        'production' as environment,
        releases.target_commitish as sha,
        releases.tag_name as git_ref,
        releases.created_at,
        releases.published_at as deployed_at,
        case when releases.published_at is not null then 'success' else 'draft' end as result,
        releases.is_bot_author as is_automated
    from releases
    inner join repo_settings
        on releases.repo = repo_settings.repo
    where
        repo_settings.deployment_source = 'releases'
        and not releases.is_draft
        and not releases.is_prerelease
),

from_workflows as (
    select
        'workflow_run:' || cast(workflow_runs.run_id as {{ dbt.type_string() }})
            as deployment_key,
        cast(null as bigint) as deployment_id,
        'workflow' as deployment_source,
        workflow_runs.repo,
        repo_settings.team_key,
        'production' as environment,
        workflow_runs.head_sha as sha,
        workflow_runs.head_branch as git_ref,
        workflow_runs.created_at,
        case when workflow_runs.conclusion = 'success' then workflow_runs.updated_at end
            as deployed_at,
        coalesce(workflow_runs.conclusion, workflow_runs.status) as result,
        true as is_automated
    from workflow_runs
    inner join repo_settings
        on workflow_runs.repo = repo_settings.repo
    where
        repo_settings.deployment_source = 'workflow'
        and workflow_runs.workflow_name in ({{ workflows }})
        and workflow_runs.head_branch = repo_settings.default_branch
),

unioned as (
    select * from from_deployments
    union all
    select * from from_releases
    union all
    select * from from_workflows
),

classified as (
    select
        *,
        -- releases and deployment workflow runs are production whatever the list names
        deployment_source != 'deployments' or environment in ({{ production }}) as is_production
    from unioned
),

final as (
    select
        *,
        is_production and deployed_at is not null as is_successful_production
    from classified
)

select * from final
