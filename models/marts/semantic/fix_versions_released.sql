-- One row per released fix version of a team's project with a release date, on time or not:
-- on_time_delivery by release date.
with

released as (
    select * from {{ ref('int_fix_versions_released') }}
),

final as (
    select
        team_key,
        version_id,
        release_date,
        is_on_time
    from released
)

select * from final
