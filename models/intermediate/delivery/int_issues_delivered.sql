-- Jira issues by the first and last production deployment of the merged changes that name
-- them, per team of those changes (kpi-catalogue "Idea to production", "Feature rollout"):
-- idea_to_production counts from the issue's creation to the first deployment, a feature
-- flag's rollout from the first to the last deployment.
with

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

issues as (
    select * from {{ ref('stg_jira__issues') }}
),

issue_labels as (
    select * from {{ ref('stg_jira__issue_labels') }}
),

issue_deployments as (
    select
        team_key,
        jira_issue_key,
        min(deployed_at) as first_deployed_at,
        max(deployed_at) as last_deployed_at
    from changes
    where jira_issue_key is not null and deployed_at is not null
    group by team_key, jira_issue_key
),

feature_flag_issues as (
    select distinct issue_key
    from issue_labels
    where label_name = '{{ var("feature_flag_label") }}'
),

final as (
    select
        issue_deployments.team_key,
        issue_deployments.jira_issue_key,
        issue_deployments.first_deployed_at,
        issue_deployments.last_deployed_at,
        {{ kpibridge.days_between('issues.created_at', 'issue_deployments.first_deployed_at') }}
            as idea_to_production_days,
        feature_flag_issues.issue_key is not null as is_feature_flagged,
        {{ kpibridge.days_between(
            'issue_deployments.first_deployed_at', 'issue_deployments.last_deployed_at') }}
            as rollout_days
    from issue_deployments
    inner join issues
        on issue_deployments.jira_issue_key = issues.issue_key
    left join feature_flag_issues
        on issue_deployments.jira_issue_key = feature_flag_issues.issue_key
)

select * from final
