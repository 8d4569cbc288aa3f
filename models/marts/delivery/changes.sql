-- One row per merged pull request: its timeline, the four lead-time stages and the
-- production deployment that shipped it.
with

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

pull_requests as (
    select
        pull_request_id as page_pull_request_id,
        html_url
    from {{ ref('stg_github__pull_requests') }}
),

final as (
    select
        change_key,
        pull_request_id,
        repo,
        team_key,
        pull_number,
        title,
        jira_issue_key,
        head_ref,
        base_ref,
        commit_count,
        additions,
        deletions,
        lines_changed,
        first_commit_at,
        opened_at,
        first_review_at,
        first_approval_at,
        approvals,
        is_reviewed,
        first_review_approved,
        commits_after_first_review,
        merged_at,
        merge_commit_sha,
        is_hotfix,
        is_revert,
        is_rework,
        deployment_key,
        deployed_at,
        ship_rule,
        coding_hours,
        pickup_hours,
        review_hours,
        deploy_hours,
        lead_time_hours,
        pull_requests.html_url
    from changes
    left join pull_requests
        on changes.pull_request_id = pull_requests.page_pull_request_id
)

select * from final
