-- One row per merged pull request: its timeline, the four lead-time stages and the
-- production deployment that shipped it. Free text (title, branch names) stays in the
-- intermediate layer: people write names there; the mart keeps the flags derived from it.
with

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

final as (
    select
        change_key,
        pull_request_id,
        repo,
        team_key,
        pull_number,
        jira_issue_key,
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
        lead_time_hours
    from changes
)

select * from final
