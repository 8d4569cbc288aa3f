-- Every pull request, merged or not, with the team owning its repository (seed team_sources),
-- the first Jira key in its title or branch name and its repository's default branch. Merged
-- ones are the changes int_changes_shipped ships; closed unmerged ones are abandoned.
with

pull_requests as (
    select * from {{ ref('stg_github__pull_requests') }}
),

team_sources as (
    select * from {{ ref('team_sources') }}
),

repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

final as (
    select
        pull_requests.pull_request_id,
        pull_requests.repo,
        pull_requests.pull_number,
        pull_requests.author_key,
        pull_requests.title,
        pull_requests.head_ref,
        pull_requests.base_ref,
        pull_requests.state,
        pull_requests.additions,
        pull_requests.deletions,
        pull_requests.created_at,
        pull_requests.closed_at,
        pull_requests.merged_at,
        pull_requests.merge_commit_sha,
        pull_requests.html_url,
        {{ kpibridge.first_jira_key(
            "pull_requests.title || ' ' || coalesce(pull_requests.head_ref, '')"
        ) }} as jira_issue_key,
        team_sources.team_key,
        repositories.default_branch,
        pull_requests.dlt_load_id
    from pull_requests
    left join team_sources
        on {{ kpibridge.repo_key('pull_requests.repo') }}
        = {{ kpibridge.repo_key('team_sources.source_key') }}
        and team_sources.source_system = 'github'
        and team_sources.source_kind = 'repo'
    left join repositories
        on pull_requests.repo = repositories.repo
)

select * from final
