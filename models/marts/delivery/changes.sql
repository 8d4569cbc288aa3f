-- One row per merged pull request: its timeline, the four lead-time stages and the
-- production deployment that shipped it. Free text (title, branch names) stays in the
-- intermediate layer: people write names there; the mart keeps the flags derived from it.
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
        changes.change_key,
        changes.pull_request_id,
        changes.repo,
        changes.team_key,
        changes.pull_number,
        changes.jira_issue_key,
        changes.commit_count,
        changes.additions,
        changes.deletions,
        changes.lines_changed,
        changes.first_commit_at,
        changes.opened_at,
        changes.first_review_at,
        changes.first_approval_at,
        changes.approvals,
        changes.is_reviewed,
        changes.first_review_approved,
        changes.commits_after_first_review,
        changes.merged_at,
        changes.merge_commit_sha,
        changes.is_hotfix,
        changes.is_revert,
        changes.is_rework,
        changes.deployment_key,
        changes.deployed_at,
        changes.ship_rule,
        changes.coding_hours,
        changes.pickup_hours,
        changes.review_hours,
        changes.deploy_hours,
        changes.lead_time_hours,
        changes.hours_to_merge,
        pull_requests.html_url
    from changes
    left join pull_requests
        on changes.pull_request_id = pull_requests.page_pull_request_id
)

select * from final
