-- Every deployment event of every repository, from the source its team_sources row names:
-- GitHub deployments (result from the status history, time of the first success), published
-- releases, or successful runs of the deployment workflows on the default branch.
-- Incremental by repository (docs/scaling.md): a row depends on its own deployment (and
-- statuses), release or workflow run and on its repository's default branch. A build
-- recomputes every repository with such rows from loads newer than the newest already built,
-- whose default branch differs from the one its rows were built with, or that has no rows yet,
-- and replaces all its rows (delete + insert by repo). The repositories themselves are
-- reloaded each time, so their load ids say nothing.
{#- environments compare lower-cased: `PRODUCTION` is `production` (as in ingestion) #}
{%- set production = kpibridge.sql_list(var('production_environments') | map('lower') | list) %}
{%- set workflows = kpibridge.sql_list(var('deployment_workflows')) %}
{{ config(
    materialized=kpibridge.incremental_where_guarded(),
    unique_key='repo',
    incremental_strategy='delete+insert',
    post_hook=[
        "{{ kpibridge.delete_vanished('repo', ref('stg_github__repositories')) }}",
        "{% if is_incremental() %}delete from {{ this }} where deployment_key is null{% endif %}"
    ]
) }}

with

all_deployments as (
    select * from {{ ref('stg_github__deployments') }}
),

all_deployment_statuses as (
    select * from {{ ref('stg_github__deployment_statuses') }}
),

all_releases as (
    select * from {{ ref('stg_github__releases') }}
),

all_workflow_runs as (
    select * from {{ ref('stg_github__workflow_runs') }}
),

all_repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

-- the CTEs only an incremental run needs stay at the indent of the others
-- sqlfluff:indentation:template_blocks_indent:false
{% if is_incremental() %}
built_branches as (
    select distinct
        repo,
        default_branch
    from {{ this }}
),

changed_repos as (
    {{ kpibridge.keys_loaded_since_built('repo', [
        'all_deployments', 'all_deployment_statuses', 'all_releases', 'all_workflow_runs'
    ]) }}
    union
    -- the default branch picks the deployment workflow runs
    select all_repositories.repo
    from all_repositories
    left join built_branches
        on all_repositories.repo = built_branches.repo
    where built_branches.repo is null
        or all_repositories.default_branch is distinct from built_branches.default_branch
),
{%- endif %}

deployments as (
    select * from all_deployments
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

deployment_statuses as (
    select * from all_deployment_statuses
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

releases as (
    select * from all_releases
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

workflow_runs as (
    select * from all_workflow_runs
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

repositories as (
    select * from all_repositories
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
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
        count(*) as status_count,
        max(dlt_load_id) as status_load_id
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
        deployments.is_created_by_app_or_bot as is_automated,
        repo_settings.default_branch,
        case
            when status_history.status_load_id > deployments.dlt_load_id
                then status_history.status_load_id
            else deployments.dlt_load_id
        end as source_load_id
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
        releases.is_bot_author as is_automated,
        repo_settings.default_branch,
        releases.dlt_load_id as source_load_id
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
        true as is_automated,
        repo_settings.default_branch,
        workflow_runs.dlt_load_id as source_load_id
    from workflow_runs
    inner join repo_settings
        on workflow_runs.repo = repo_settings.repo
    where
        repo_settings.deployment_source = 'workflow'
        and workflow_runs.workflow_name in ({{ workflows }})
        and workflow_runs.head_branch = repo_settings.default_branch
),

events as (
    select * from from_deployments
    union all
    select * from from_releases
    union all
    select * from from_workflows
),

-- sqlfluff:indentation:template_blocks_indent:false
{% if is_incremental() %}
-- a changed repository left without events gets one row without a deployment_key, so that
-- delete+insert drops its old rows; the post-hook then deletes that row
emptied_repos as (
    select
        cast(null as {{ dbt.type_string() }}) as deployment_key,
        cast(null as bigint) as deployment_id,
        cast(null as {{ dbt.type_string() }}) as deployment_source,
        changed_repos.repo,
        cast(null as {{ dbt.type_string() }}) as team_key,
        cast(null as {{ dbt.type_string() }}) as environment,
        cast(null as {{ dbt.type_string() }}) as sha,
        cast(null as {{ dbt.type_string() }}) as git_ref,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        cast(null as {{ dbt.type_timestamp() }}) as deployed_at,
        cast(null as {{ dbt.type_string() }}) as result,
        cast(null as boolean) as is_automated,
        cast(null as {{ dbt.type_string() }}) as default_branch,
        cast(null as {{ dbt.type_string() }}) as source_load_id
    from changed_repos
    where not exists (
            select 1 from events
            where events.repo = changed_repos.repo
        )
),
{%- endif %}

unioned as (
    select * from events
    {% if is_incremental() %}
    union all
    select * from emptied_repos
    {% endif %}
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
