-- Released fix versions of the team projects with a release date (kpi-catalogue "On-time
-- delivery"): on time when none of its issues reached its last done after the release date
-- (a version without done issues is on time).
with

versions as (
    select * from {{ ref('stg_jira__versions') }}
),

issue_fix_versions as (
    select * from {{ ref('stg_jira__issue_fix_versions') }}
),

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

project_teams as (
    {{ kpibridge.source_teams('jira', 'project', 'project_key') }}
),

version_last_done as (
    select
        issue_fix_versions.version_id,
        max(work_items.done_at) as last_done_at
    from issue_fix_versions
    inner join work_items
        on issue_fix_versions.issue_id = work_items.issue_id
    group by issue_fix_versions.version_id
),

final as (
    select
        project_teams.team_key,
        versions.version_id,
        versions.release_date,
        coalesce(cast(version_last_done.last_done_at as date) <= versions.release_date, true)
            as is_on_time
    from versions
    inner join project_teams
        on versions.project_key = project_teams.project_key
    left join version_last_done
        on versions.version_id = version_last_done.version_id
    where versions.is_released
        and versions.release_date is not null
)

select * from final
