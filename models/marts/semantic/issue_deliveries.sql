-- One row per team and Jira issue its merged changes named, by the first production
-- deployment of those changes: idea_to_production and feature_rollout_time.
with

issues_delivered as (
    select * from {{ ref('int_issues_delivered') }}
),

final as (
    select
        team_key,
        jira_issue_key,
        first_deployed_at,
        idea_to_production_days,
        is_feature_flagged,
        rollout_days
    from issues_delivered
    where team_key is not null
)

select * from final
