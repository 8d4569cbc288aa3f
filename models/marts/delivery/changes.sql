-- One row per pull request, merged or not: its state and, once merged, its timeline, the
-- four lead-time stages and the production deployment that shipped it (null while unmerged).
-- Free text (title, branch names) stays in the intermediate layer: people write names there;
-- the mart keeps the flags derived from it.
with

pull_requests as (
    select * from {{ ref('int_pull_requests_owned') }}
),

shipped as (
    select * from {{ ref('int_changes_shipped') }}
),

final as (
    select
        'pr:' || cast(pull_requests.pull_request_id as {{ dbt.type_string() }}) as change_key,
        pull_requests.pull_request_id,
        pull_requests.repo,
        pull_requests.team_key,
        pull_requests.pull_number,
        pull_requests.jira_issue_key,
        pull_requests.state,
        pull_requests.merged_at is not null as is_merged,
        pull_requests.closed_at,
        shipped.commit_count,
        shipped.additions,
        shipped.deletions,
        shipped.lines_changed,
        shipped.first_commit_at,
        pull_requests.created_at as opened_at,
        shipped.first_review_at,
        shipped.first_approval_at,
        shipped.approvals,
        shipped.is_reviewed,
        shipped.first_review_approved,
        shipped.commits_after_first_review,
        shipped.merged_at,
        shipped.merge_commit_sha,
        shipped.is_hotfix,
        shipped.is_revert,
        shipped.is_rework,
        shipped.is_defect_fix,
        shipped.deployment_key,
        shipped.deployed_at,
        shipped.ship_rule,
        shipped.coding_hours,
        shipped.pickup_hours,
        shipped.review_hours,
        shipped.deploy_hours,
        shipped.lead_time_hours,
        shipped.hours_to_merge,
        pull_requests.html_url
    from pull_requests
    left join shipped
        on pull_requests.pull_request_id = shipped.pull_request_id
)

select * from final
