-- One row per issue added to a fix version (a 'Fix Version' changelog item with a to_value =
-- version id), flagged when the change came after the version's start date, the requirements
-- deadline (a change on a later calendar day than start_date).
with

changelog_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
),

versions as (
    select * from {{ ref('stg_jira__versions') }}
),

project_teams as (
    {{ kpibridge.source_teams('jira', 'project', 'project_key') }}
),

version_additions as (
    select
        changelog_item_id,
        issue_id,
        issue_key,
        changed_at,
        to_value as version_id
    from changelog_items
    where field = 'Fix Version'
        and to_value is not null
        and to_value != ''
),

final as (
    select
        version_additions.changelog_item_id,
        version_additions.issue_id,
        version_additions.issue_key,
        version_additions.version_id,
        versions.version_name,
        versions.project_key,
        project_teams.team_key,
        version_additions.changed_at,
        versions.start_date as requirements_deadline,
        versions.release_date,
        coalesce(cast(version_additions.changed_at as date) > versions.start_date, false)
            as is_after_deadline
    from version_additions
    inner join versions
        on version_additions.version_id = versions.version_id
    left join project_teams
        on versions.project_key = project_teams.project_key
)

select * from final
