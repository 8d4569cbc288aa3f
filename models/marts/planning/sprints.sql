-- One row per Jira sprint with its commitment and delivery, membership rebuilt from the
-- changelog: say_do_ratio = committed issues done at sprint end / issues at start x 100
-- (closed sprints only; issues added after the start are outside the commitment).
with

sprints as (
    select * from {{ ref('int_sprints') }}
),

sprint_issues as (
    select * from {{ ref('int_sprint_issues') }}
),

sprint_counts as (
    select
        sprint_id,
        sum(case when in_sprint_at_start then 1 else 0 end) as issues_at_start,
        sum(case when added_after_start then 1 else 0 end) as issues_added_after_start,
        sum(case when in_sprint_at_end then 1 else 0 end) as issues_at_end,
        sum(case when is_committed_and_done then 1 else 0 end) as issues_done_of_committed
    from sprint_issues
    group by sprint_id
),

final as (
    select
        sprints.sprint_id,
        sprints.team_key,
        sprints.sprint_name,
        sprints.state,
        sprints.start_at,
        sprints.end_at,
        sprints.complete_at,
        cast(coalesce(sprint_counts.issues_at_start, 0) as bigint) as issues_at_start,
        cast(coalesce(sprint_counts.issues_added_after_start, 0) as bigint)
            as issues_added_after_start,
        cast(coalesce(sprint_counts.issues_at_end, 0) as bigint) as issues_at_end,
        cast(coalesce(sprint_counts.issues_done_of_committed, 0) as bigint)
            as issues_done_of_committed,
        cast(case
            when sprints.is_closed
                then 100 * {{ kpibridge.safe_divide(
                    'sprint_counts.issues_done_of_committed', 'sprint_counts.issues_at_start'
                ) }}
        end as double precision) as say_do_ratio
    from sprints
    left join sprint_counts
        on sprints.sprint_id = sprint_counts.sprint_id
)

select * from final
