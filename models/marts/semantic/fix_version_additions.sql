-- One row per issue a team's fix version gained, by the time of the change, flagged when it
-- came after the version's start date (its requirements deadline):
-- change_requests_after_deadline.
with

fix_version_changes as (
    select * from {{ ref('int_fix_version_changes') }}
),

final as (
    select
        changelog_item_id,
        team_key,
        issue_key,
        version_id,
        changed_at,
        is_after_deadline
    from fix_version_changes
    where team_key is not null
)

select * from final
