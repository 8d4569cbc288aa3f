-- Merged pull requests with their review timeline and the production deployment that
-- shipped each (kpi-catalogue "Shipping a change"), in rule order:
--   1 compare: the deployment whose compare range (previous successful production sha ...
--     its sha) holds the merge sha or one of the PR's commits;
--   2 first_deployment: a repo's first deployment ships what was merged in the
--     first_deployment_lookback_days before it;
--   3 merge_time_fallback: the first successful production deployment of the repo at or
--     after the merge, when that deployment has no compare data.
-- Each change is shipped once: by its best rule, then its earliest deployment. A change is
-- rework when it is a hotfix, a revert or names a Jira issue of a defect category.
-- Incremental by repository (docs/scaling.md): every rule ships a change by a deployment of
-- its own repository, so a repository's rows depend on its pull requests (with their commits,
-- reviews and labels), compares and deployment events, its default branch, and the defect flag
-- of the Jira issues its changes name. A build recomputes every repository with such rows from
-- loads newer than the newest already built, whose default branch differs from the one its
-- rows hold, or whose changes name an issue whose defect flag differs from the one they hold,
-- and replaces all its rows (delete + insert by repo).
{%- set hotfix_labels = kpibridge.sql_list(var('hotfix_labels')) %}
{{ config(
    materialized=kpibridge.incremental_where_guarded(),
    unique_key='repo',
    incremental_strategy='delete+insert',
    post_hook=[
        "{{ kpibridge.delete_vanished(
            'pull_request_id',
            '(select pull_request_id from ' ~ ref('int_pull_requests_owned')
            ~ ' where merged_at is not null)'
        ) }}"
    ]
) }}

with

all_pull_requests as (
    select * from {{ ref('int_pull_requests_owned') }}
),

all_pull_request_commits as (
    select * from {{ ref('stg_github__pull_request_commits') }}
),

all_pull_request_reviews as (
    select * from {{ ref('stg_github__pull_request_reviews') }}
),

all_pull_request_labels as (
    select * from {{ ref('stg_github__pull_request_labels') }}
),

all_compare_commits as (
    select * from {{ ref('stg_github__compare_commits') }}
),

all_deployments as (
    select * from {{ ref('int_deployments_unioned') }}
),

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

-- labels are child rows of their pull request, reloaded with it; deployment events carry the
-- newest load of their deployment, statuses, release or workflow run
source_loads as (
    select
        repo,
        dlt_load_id
    from all_pull_requests
    union all
    select
        repo,
        dlt_load_id
    from all_pull_request_commits
    union all
    select
        repo,
        dlt_load_id
    from all_pull_request_reviews
    union all
    select
        repo,
        dlt_load_id
    from all_compare_commits
    union all
    select
        repo,
        source_load_id as dlt_load_id
    from all_deployments
),

-- the CTEs only an incremental run needs stay at the indent of the others
-- sqlfluff:indentation:template_blocks_indent:false
{% if is_incremental() %}
built_changes as (
    select * from {{ this }}
),

changed_repos as (
    {{ kpibridge.keys_loaded_since_built('repo', ['source_loads']) }}
    union
    -- the default branch picks the pull requests the merge-time fallback ships; a repository
    -- without rows has no merged pull request (it would be from a newer load)
    select built_changes.repo
    from built_changes
    inner join all_pull_requests
        on built_changes.pull_request_id = all_pull_requests.pull_request_id
    where built_changes.default_branch is distinct from all_pull_requests.default_branch
    union
    -- Jira issues are reloaded in their own pipeline: their defect flag is compared by value
    select built_changes.repo
    from built_changes
    left join work_items
        on built_changes.jira_issue_key = work_items.issue_key
    where built_changes.is_defect_fix != coalesce(work_items.is_defect, false)
),
{%- endif %}

pull_requests as (
    select * from all_pull_requests
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

pull_request_commits as (
    select * from all_pull_request_commits
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

pull_request_reviews as (
    select * from all_pull_request_reviews
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

pull_request_labels as (
    select * from all_pull_request_labels
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

compare_commits as (
    select * from all_compare_commits
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

deployments as (
    select * from all_deployments
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
),

repo_loads as (
    select
        repo,
        max(dlt_load_id) as source_load_id
    from source_loads
    {{ kpibridge.where_changed('repo', 'changed_repos') }}
    group by repo
),

merged as (
    select * from pull_requests
    where merged_at is not null
),

commit_summary as (
    select
        pull_request_id,
        min(authored_at) as first_commit_at,
        count(*) as commit_count
    from pull_request_commits
    group by pull_request_id
),

-- reviews by someone other than the author
peer_reviews as (
    select
        pull_request_reviews.*,
        row_number() over (
            partition by pull_request_reviews.pull_request_id
            order by pull_request_reviews.submitted_at, pull_request_reviews.review_id
        ) as review_order
    from pull_request_reviews
    inner join merged
        on pull_request_reviews.pull_request_id = merged.pull_request_id
    where
        pull_request_reviews.submitted_at is not null
        and pull_request_reviews.reviewer_key is distinct from merged.author_key
),

review_summary as (
    select
        pull_request_id,
        min(submitted_at) as first_review_at,
        min(case when state = 'APPROVED' then submitted_at end) as first_approval_at,
        count(distinct case when state = 'APPROVED' then reviewer_key end) as approvals,
        max(case when review_order = 1 and state = 'APPROVED' then 1 else 0 end) = 1
            as first_review_approved
    from peer_reviews
    group by pull_request_id
),

commits_after_review as (
    select
        pull_request_commits.pull_request_id,
        count(*) as commits_after_first_review
    from pull_request_commits
    inner join review_summary
        on pull_request_commits.pull_request_id = review_summary.pull_request_id
    where pull_request_commits.committed_at > review_summary.first_review_at
    group by pull_request_commits.pull_request_id
),

hotfix_labelled as (
    select distinct pull_request_id
    from pull_request_labels
    where lower(label_name) in ({{ hotfix_labels }})
),

change_shas as (
    select
        pull_request_id,
        repo,
        merge_commit_sha as sha
    from merged
    where merge_commit_sha is not null
    union
    select
        pull_request_commits.pull_request_id,
        merged.repo,
        pull_request_commits.sha
    from pull_request_commits
    inner join merged
        on pull_request_commits.pull_request_id = merged.pull_request_id
),

production as (
    select
        *,
        row_number() over (partition by repo order by deployed_at, deployment_key) = 1
            as is_first_of_repo
    from deployments
    where is_successful_production
),

-- a compare is of a deployment of its own repository (ingestion reads it per repository);
-- joining on the repository too keeps a repository's rows to its own rows
compared_deployments as (
    select distinct
        repo,
        'deployment:' || cast(deployment_id as {{ dbt.type_string() }}) as deployment_key
    from compare_commits
),

by_compare as (
    select distinct
        change_shas.pull_request_id,
        production.deployment_key,
        production.deployed_at,
        1 as rule_rank,
        'compare' as ship_rule
    from compare_commits
    inner join production
        on compare_commits.repo = production.repo
        and 'deployment:' || cast(compare_commits.deployment_id as {{ dbt.type_string() }})
        = production.deployment_key
    inner join change_shas
        on compare_commits.repo = change_shas.repo
        and compare_commits.sha = change_shas.sha
),

by_first_deployment as (
    select
        merged.pull_request_id,
        production.deployment_key,
        production.deployed_at,
        2 as rule_rank,
        'first_deployment' as ship_rule
    from merged
    inner join production
        on merged.repo = production.repo
        and production.is_first_of_repo
        and merged.merged_at <= production.deployed_at
        and merged.merged_at > {{ dbt.dateadd(
            'day', -var('first_deployment_lookback_days'), 'production.deployed_at') }}
),

-- the first successful production deployment at or after the merge; it ships the change by
-- this rule only when it has no compare data and is not the repo's first deployment (the
-- other two rules govern those)
next_deployment as (
    select
        merged.pull_request_id,
        production.repo,
        production.deployment_key,
        production.deployed_at,
        production.is_first_of_repo,
        row_number() over (
            partition by merged.pull_request_id
            order by production.deployed_at, production.deployment_key
        ) as deployment_order
    from merged
    inner join production
        on merged.repo = production.repo
        and merged.merged_at <= production.deployed_at
    where merged.base_ref = merged.default_branch
),

by_merge_time as (
    select
        next_deployment.pull_request_id,
        next_deployment.deployment_key,
        next_deployment.deployed_at,
        3 as rule_rank,
        'merge_time_fallback' as ship_rule
    from next_deployment
    left join compared_deployments
        on next_deployment.repo = compared_deployments.repo
        and next_deployment.deployment_key = compared_deployments.deployment_key
    where
        next_deployment.deployment_order = 1
        and not next_deployment.is_first_of_repo
        and compared_deployments.deployment_key is null
),

candidates as (
    select * from by_compare
    union all
    select * from by_first_deployment
    union all
    select * from by_merge_time
),

shipping as (
    select
        *,
        row_number() over (
            partition by pull_request_id order by rule_rank, deployed_at, deployment_key
        ) as preference
    from candidates
),

joined as (
    select
        merged.pull_request_id,
        merged.repo,
        merged.team_key,
        merged.pull_number,
        merged.author_key,
        merged.title,
        merged.jira_issue_key,
        merged.head_ref,
        merged.base_ref,
        merged.additions,
        merged.deletions,
        commit_summary.commit_count,
        commit_summary.first_commit_at,
        merged.created_at as opened_at,
        review_summary.first_review_at,
        review_summary.first_approval_at,
        coalesce(review_summary.approvals, 0) as approvals,
        coalesce(review_summary.first_review_approved, false) as first_review_approved,
        coalesce(commits_after_review.commits_after_first_review, 0)
            as commits_after_first_review,
        merged.merged_at,
        merged.merge_commit_sha,
        hotfix_labelled.pull_request_id is not null
        {%- for prefix in var('hotfix_branch_prefixes') %}
        or merged.head_ref like '{{ prefix }}%'
        {%- endfor %} as is_hotfix,
        merged.head_ref like 'revert-%' or merged.title like 'Revert %' as is_revert,
        coalesce(work_items.is_defect, false) as is_defect_fix,
        shipping.deployment_key,
        shipping.deployed_at,
        shipping.ship_rule,
        merged.default_branch,
        repo_loads.source_load_id
    from merged
    left join commit_summary
        on merged.pull_request_id = commit_summary.pull_request_id
    left join review_summary
        on merged.pull_request_id = review_summary.pull_request_id
    left join commits_after_review
        on merged.pull_request_id = commits_after_review.pull_request_id
    left join hotfix_labelled
        on merged.pull_request_id = hotfix_labelled.pull_request_id
    left join shipping
        on merged.pull_request_id = shipping.pull_request_id
        and shipping.preference = 1
    left join work_items
        on merged.jira_issue_key = work_items.issue_key
    left join repo_loads
        on merged.repo = repo_loads.repo
),

final as (
    select
        'pr:' || cast(pull_request_id as {{ dbt.type_string() }}) as change_key,
        *,
        additions + deletions as lines_changed,
        first_review_at is not null as is_reviewed,
        is_hotfix or is_revert or is_defect_fix as is_rework,
        {{ kpibridge.hours_between('first_commit_at', 'opened_at') }} as coding_hours,
        {{ kpibridge.hours_between('opened_at', 'first_review_at') }} as pickup_hours,
        {{ kpibridge.hours_between('first_review_at', 'merged_at') }} as review_hours,
        {{ kpibridge.hours_between('merged_at', 'deployed_at') }} as deploy_hours,
        {{ kpibridge.hours_between('first_commit_at', 'deployed_at') }} as lead_time_hours,
        {{ kpibridge.hours_between('opened_at', 'merged_at') }} as hours_to_merge
    from joined
)

select * from final
